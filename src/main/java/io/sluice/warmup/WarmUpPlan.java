package io.sluice.warmup;

import java.time.Duration;

import io.quarkus.runtime.configuration.ConfigurationException;

/** The warm-up's settings, checked: a bad one fails start-up naming its key. */
record WarmUpPlan(Duration target, Duration maxDuration, int concurrency, int roundSize) {

    static final String ENVOY_TIMER = "sluice.exchange.envoy-message-timeout";

    static WarmUpPlan of(WarmUpConfig config, Duration envoyTimer) {
        Duration target = config.target().orElse(envoyTimer.dividedBy(4));
        if (target.isNegative() || target.isZero()) {
            throw new ConfigurationException(WarmUpConfig.TARGET + " (" + target.toMillis() + " ms) must be positive");
        }
        if (target.compareTo(envoyTimer) >= 0) {
            throw new ConfigurationException(WarmUpConfig.TARGET + " (" + target.toMillis() + " ms) must be below Envoy's "
                    + "message timer, " + ENVOY_TIMER + " (" + envoyTimer.toMillis() + " ms): a warm-up that accepts replies "
                    + "that slow lets Envoy's first exchanges time out");
        }
        Duration max = config.maxDuration();
        if (max.isNegative() || max.isZero()) {
            throw new ConfigurationException(WarmUpConfig.MAX_DURATION + " (" + max.toMillis() + " ms) must be positive: it caps how long "
                    + "readiness waits for the warm-up (" + WarmUpConfig.ENABLED + "=false turns the warm-up off)");
        }
        if (config.concurrency() < 1) {
            throw new ConfigurationException(WarmUpConfig.CONCURRENCY + "=" + config.concurrency() + " must be at least 1");
        }
        if (config.roundSize() < 1) {
            throw new ConfigurationException(WarmUpConfig.ROUND_SIZE + "=" + config.roundSize() + " must be at least 1");
        }
        return new WarmUpPlan(target, max, config.concurrency(), config.roundSize());
    }
}
