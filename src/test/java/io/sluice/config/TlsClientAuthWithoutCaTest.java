package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;
import io.sluice.testing.TestPki;

/** mTLS without saying which CA issues client certificates would let the JDK's public CAs decide. */
@StartupFailure
class TlsClientAuthWithoutCaTest {

    static final TestPki PKI = TestPki.create(Path.of("target", "test-pki", "client-auth-without-ca").toAbsolutePath());

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith(Map.of(
            "quarkus.grpc.server.ssl.certificate", PKI.server().certificate().toString(),
            "quarkus.grpc.server.ssl.key", PKI.server().key().toString(),
            "quarkus.grpc.server.ssl.client-auth", "REQUIRED"),
            "quarkus.grpc.server.ssl.client-auth=REQUIRED needs the CA", "sluice.tls.client-ca");

    @Test
    void startupFailsNamingBothKeys() {
        fail("Sluice must not start with client-auth=REQUIRED and no client CA");
    }
}
