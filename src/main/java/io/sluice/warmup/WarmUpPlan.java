package io.sluice.warmup;

import java.time.Duration;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The warm-up's settings, checked against Envoy's timer: a target it would not wait for fails start-up naming both keys.
 * Each key's own bound is {@link io.sluice.config.ConfigBounds}'.
 */
record WarmUpPlan(Duration target, Duration maxDuration, int concurrency, int roundSize) {

    static final String ENVOY_TIMER = "sluice.exchange.envoy-message-timeout";

    static WarmUpPlan of(WarmUpConfig config, Duration envoyTimer) {
        Duration target = config.target().orElse(envoyTimer.dividedBy(4));
        if (target.compareTo(envoyTimer) >= 0) {
            throw new ConfigurationException(WarmUpConfig.TARGET + " (" + target.toMillis() + " ms) must be below Envoy's "
                    + "message timer, " + ENVOY_TIMER + " (" + envoyTimer.toMillis() + " ms): a warm-up that accepts replies "
                    + "that slow lets Envoy's first exchanges time out");
        }
        return new WarmUpPlan(target, config.maxDuration(), config.concurrency(), config.roundSize());
    }
}
