package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

@StartupFailure
class ShutdownBeyondGracePeriodTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith(
            // The test profile's delay (0s) and drain timeout (2s), plus the 2 s margin, do not fit in 3 s.
            Map.of("sluice.shutdown.grace-period", "3s"),
            "sluice.shutdown.delay (0 ms) + sluice.shutdown.drain-timeout (2000 ms)",
            "exceed sluice.shutdown.grace-period (3000 ms");

    @Test
    void startupFailsNamingTheKeys() {
        fail("Sluice must not start when its shutdown cannot fit the grace period");
    }
}
