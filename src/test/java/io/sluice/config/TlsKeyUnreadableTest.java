package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;
import io.sluice.testing.TestPki;

/** A directory where the key file should be: unreadable even for root, unlike a file with mode 000. */
@StartupFailure
class TlsKeyUnreadableTest {

    static final TestPki PKI = TestPki.create(Path.of("target", "test-pki", "key-unreadable").toAbsolutePath());
    static final Path DIRECTORY = PKI.caCertificate().getParent();

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith(Map.of(
            "quarkus.grpc.server.ssl.certificate", PKI.server().certificate().toString(),
            "quarkus.grpc.server.ssl.key", DIRECTORY.toString()),
            "quarkus.grpc.server.ssl.key=" + DIRECTORY + ": cannot be read");

    @Test
    void startupFailsNamingTheFileAndTheKey() {
        fail("Sluice must not start with a key it cannot read");
    }
}
