package io.sluice.lifecycle;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Refuses to start when the shutdown settings cannot fit Kubernetes' grace period: after it the kubelet sends SIGKILL,
 * and exchanges still in flight would end with Envoy's 500 instead of a clean drain.
 */
@ApplicationScoped
public class ShutdownBudget {

    /** What the JVM needs after the drain (Quarkus' own shutdown, the rest of the event loops). */
    public static final Duration MARGIN = Duration.ofSeconds(2);

    void check(@Observes StartupEvent event, ShutdownConfig config) {
        check(config.delay(), config.drainTimeout(), config.gracePeriod());
    }

    /** Fails when {@code delay} and {@code drainTimeout} plus {@link #MARGIN} do not fit in {@code gracePeriod}. */
    public static void check(Duration delay, Duration drainTimeout, Duration gracePeriod) {
        Duration needed = delay.plus(drainTimeout).plus(MARGIN);
        if (needed.compareTo(gracePeriod) > 0) {
            throw new ConfigurationException(ShutdownConfig.DELAY + " (" + delay.toMillis() + " ms) + "
                    + ShutdownConfig.DRAIN_TIMEOUT + " (" + drainTimeout.toMillis() + " ms) + " + MARGIN.toSeconds()
                    + " s for the JVM exceed " + ShutdownConfig.GRACE_PERIOD + " (" + gracePeriod.toMillis()
                    + " ms, the pod's terminationGracePeriodSeconds): Kubernetes would kill Sluice mid-drain");
        }
    }
}
