package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

/** The socket's directory does not exist (a volume that was not mounted, say): binding fails. */
@StartupFailure
class UnixSocketUnbindableTest {

    static final String PATH = "/nonexistent-sluice-dir/ext-proc.sock";

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith("sluice.uds.path", PATH,
            "sluice.uds.path=" + PATH + ": cannot bind the Unix socket");

    @Test
    void startupFailsNamingThePathAndTheKey() {
        fail("Sluice must not start with a socket path that cannot be bound");
    }
}
