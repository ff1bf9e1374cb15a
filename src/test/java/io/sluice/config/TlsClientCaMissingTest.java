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
class TlsClientCaMissingTest {

    static final TestPki PKI = TestPki.create(Path.of("target", "test-pki", "client-ca-missing").toAbsolutePath());
    static final Path MISSING = PKI.caCertificate().resolveSibling("no-such-ca.crt");

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith(Map.of(
            "quarkus.grpc.server.ssl.certificate", PKI.server().certificate().toString(),
            "quarkus.grpc.server.ssl.key", PKI.server().key().toString(),
            "quarkus.grpc.server.ssl.client-auth", "REQUIRED",
            "sluice.tls.client-ca", MISSING.toString()),
            "sluice.tls.client-ca=" + MISSING + ": no such file");

    @Test
    void startupFailsNamingTheFileAndTheKey() {
        fail("Sluice must not start with a client CA file that does not exist");
    }
}
