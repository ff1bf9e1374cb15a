package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

@StartupFailure
class WarmUpTargetBeyondEnvoysTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith("sluice.warm-up.target", "250ms",
            "sluice.warm-up.target (250 ms) must be below Envoy's message timer",
            "sluice.exchange.envoy-message-timeout (200 ms)");

    @Test
    void startupFailsNamingBothKeys() {
        fail("Sluice must not start with a warm-up target Envoy's timer would not wait for");
    }
}
