package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;
import io.sluice.testing.TestPki;

/** Certificate and key that are each valid PEM, from the same CA, but not a pair: a mixed-up Secret. */
@StartupFailure
class TlsKeyMismatchTest {

    static final TestPki PKI = TestPki.create(Path.of("target", "test-pki", "key-mismatch").toAbsolutePath());

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith(Map.of(
            "quarkus.grpc.server.ssl.certificate", PKI.server().certificate().toString(),
            "quarkus.grpc.server.ssl.key", PKI.otherServer().key().toString()),
            "quarkus.grpc.server.ssl.key=" + PKI.otherServer().key() + " does not match the certificate in "
                    + "quarkus.grpc.server.ssl.certificate=" + PKI.server().certificate());

    @Test
    void startupFailsNamingBothFilesAndKeys() {
        fail("Sluice must not start with a key that does not belong to its certificate");
    }
}
