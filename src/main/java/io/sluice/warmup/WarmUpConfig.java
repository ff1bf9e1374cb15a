package io.sluice.warmup;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code sluice.warm-up.*}: how Sluice warms itself up before it reports ready. A fresh JVM answers its first ext_proc
 * messages in hundreds of milliseconds (classes load, the JIT has compiled nothing), beyond Envoy's 200 ms message
 * timer; so readiness and gRPC health wait until Sluice has answered exchanges of its own, through its own gRPC port,
 * fast enough. Checked at start-up by {@link WarmUpPlan}.
 */
@ConfigMapping(prefix = "sluice.warm-up")
public interface WarmUpConfig {

    String ENABLED = "sluice.warm-up.enabled";
    String TARGET = "sluice.warm-up.target";
    String MAX_DURATION = "sluice.warm-up.max-duration";
    String CONCURRENCY = "sluice.warm-up.concurrency";
    String ROUND_SIZE = "sluice.warm-up.round-size";

    /** Off: Sluice reports ready as soon as its servers listen, as Quarkus does by itself. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Warm once a whole round's slowest reply came within this. Unset: a quarter of Envoy's timer
     * ({@code sluice.exchange.envoy-message-timeout}, so 50 ms by default). Must be below that timer.
     */
    Optional<Duration> target();

    /**
     * The longest readiness waits for the warm-up; then Sluice reports ready anyway and says so. The startup and
     * liveness probes are UP during the warm-up, so only the readiness probe waits for it.
     */
    @WithDefault("30s")
    Duration maxDuration();

    /**
     * Warm-up exchanges in flight at once, on one HTTP/2 connection, as Envoy multiplexes its streams. As many as the
     * first burst a fresh replica should take: replies queue behind each other on a loaded CPU, so a target met at this
     * concurrency holds for that burst.
     */
    @WithDefault("32")
    int concurrency();

    /** Exchanges per round (at least two per pipeline the routing reaches: one headers-only, one with bodies). */
    @WithDefault("64")
    int roundSize();
}
