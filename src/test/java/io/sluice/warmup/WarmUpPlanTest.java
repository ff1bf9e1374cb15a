package io.sluice.warmup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;

class WarmUpPlanTest {

    static final Duration ENVOY = Duration.ofMillis(200);

    record Config(boolean enabled, Optional<Duration> target, Duration maxDuration, int concurrency, int roundSize)
            implements WarmUpConfig {

        static Config defaults() {
            return new Config(true, Optional.empty(), Duration.ofSeconds(30), 8, 32);
        }

        Config withTarget(Duration target) {
            return new Config(enabled, Optional.of(target), maxDuration, concurrency, roundSize);
        }

        Config withMax(Duration max) {
            return new Config(enabled, target, max, concurrency, roundSize);
        }

        Config withConcurrency(int n) {
            return new Config(enabled, target, maxDuration, n, roundSize);
        }

        Config withRoundSize(int n) {
            return new Config(enabled, target, maxDuration, concurrency, n);
        }
    }

    @Test
    void theTargetIsAQuarterOfEnvoysTimerUnlessSet() {
        assertThat(WarmUpPlan.of(Config.defaults(), ENVOY).target()).isEqualTo(Duration.ofMillis(50));
        assertThat(WarmUpPlan.of(Config.defaults(), Duration.ofSeconds(1)).target()).isEqualTo(Duration.ofMillis(250));
        assertThat(WarmUpPlan.of(Config.defaults().withTarget(Duration.ofMillis(20)), ENVOY).target())
                .isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void aTargetEnvoysTimerWouldNotWaitForIsRefused() {
        assertThatThrownBy(() -> WarmUpPlan.of(Config.defaults().withTarget(ENVOY), ENVOY))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sluice.warm-up.target (200 ms) must be below")
                .hasMessageContaining("sluice.exchange.envoy-message-timeout (200 ms)");
        assertThatThrownBy(() -> WarmUpPlan.of(Config.defaults().withTarget(Duration.ZERO), ENVOY))
                .hasMessageContaining("sluice.warm-up.target (0 ms) must be positive");
    }

    @Test
    void aCapOfNothingAndEmptyRoundsAreRefused() {
        assertThatThrownBy(() -> WarmUpPlan.of(Config.defaults().withMax(Duration.ZERO), ENVOY))
                .hasMessageContaining("sluice.warm-up.max-duration (0 ms) must be positive");
        assertThatThrownBy(() -> WarmUpPlan.of(Config.defaults().withMax(Duration.ofSeconds(-1)), ENVOY))
                .hasMessageContaining("sluice.warm-up.max-duration");
        assertThatThrownBy(() -> WarmUpPlan.of(Config.defaults().withConcurrency(0), ENVOY))
                .hasMessageContaining("sluice.warm-up.concurrency=0 must be at least 1");
        assertThatThrownBy(() -> WarmUpPlan.of(Config.defaults().withRoundSize(0), ENVOY))
                .hasMessageContaining("sluice.warm-up.round-size=0 must be at least 1");
    }
}
