package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;
import io.sluice.testing.TestPki;

@StartupFailure
class TlsCertificateMissingTest {

    static final TestPki PKI = TestPki.create(Path.of("target", "test-pki", "certificate-missing").toAbsolutePath());
    static final Path MISSING = PKI.caCertificate().resolveSibling("no-such.crt");

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith(Map.of(
            "quarkus.grpc.server.ssl.certificate", MISSING.toString(),
            "quarkus.grpc.server.ssl.key", PKI.server().key().toString()),
            "quarkus.grpc.server.ssl.certificate=" + MISSING + ": no such file");

    @Test
    void startupFailsNamingTheFileAndTheKey() {
        fail("Sluice must not start with a certificate file that does not exist");
    }
}
