package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

@StartupFailure
class StreamWindowTooSmallTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith(Map.of("sluice.transport.stream-window", "1024"), "sluice.transport.stream-window=1024 must be at least 65535");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start: a window under HTTP/2's initial one breaks the connection window");
    }
}
