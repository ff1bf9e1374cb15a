package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

@StartupFailure
class WarmUpZeroCapTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith("sluice.warm-up.max-duration", "0s",
            "sluice.warm-up.max-duration=0s must be at least 1ms", "sluice.warm-up.enabled=false turns the warm-up off");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start with a warm-up that may take no time at all");
    }
}
