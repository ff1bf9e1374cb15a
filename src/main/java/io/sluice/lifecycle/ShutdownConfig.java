package io.sluice.lifecycle;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How Sluice stops on SIGTERM: first it reports itself unhealthy (readiness DOWN, gRPC health NOT_SERVING) for
 * {@link #delay()}, so that Envoy's active health check and Kubernetes' endpoints stop sending it new exchanges; then
 * it refuses new streams (HTTP/2 GOAWAY) and lets the exchanges in flight finish for up to {@link #drainTimeout()}.
 * Both together must end before Kubernetes' {@link #gracePeriod()}, after which the pod is killed.
 */
@ConfigMapping(prefix = "sluice.shutdown")
public interface ShutdownConfig {

    String DELAY = "sluice.shutdown.delay";
    String DRAIN_TIMEOUT = "sluice.shutdown.drain-timeout";
    String GRACE_PERIOD = "sluice.shutdown.grace-period";

    /**
     * Unhealthy but still serving, before new streams are refused. Longer than Envoy's health-check interval times its
     * unhealthy threshold, so Envoy has moved away before the GOAWAY: Envoy Gateway renders an active health check
     * ({@code backendSettings.healthCheck.active}) with a 3 s interval and 3 failures, so the last failing check comes
     * at most 9 s after Sluice turns NOT_SERVING; 10 s leaves a second for the checks' own round trips. Fed into
     * {@code quarkus.shutdown.delay}.
     */
    @WithDefault("10s")
    Duration delay();

    /**
     * After the delay, how long exchanges in flight may take to finish; the rest are then cancelled. 18 s so that delay,
     * drain and {@link ShutdownBudget#MARGIN} fit Kubernetes' default 30 s grace period.
     */
    @WithDefault("18s")
    Duration drainTimeout();

    /** The pod's {@code terminationGracePeriodSeconds}; delay plus drain timeout must end this much earlier. */
    @WithDefault("30s")
    Duration gracePeriod();
}
