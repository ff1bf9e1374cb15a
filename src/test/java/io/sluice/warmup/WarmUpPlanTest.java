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
    }

    @Test
    void theOtherSettingsPassThrough() {
        WarmUpPlan plan = WarmUpPlan.of(Config.defaults().withMax(Duration.ofSeconds(5)).withConcurrency(3).withRoundSize(7), ENVOY);
        assertThat(plan.maxDuration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(plan.concurrency()).isEqualTo(3);
        assertThat(plan.roundSize()).isEqualTo(7);
    }
}
