package io.sluice.transport;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.netty.util.internal.PlatformDependent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.sluice.observability.ExchangeMetrics;

/**
 * Admits a new exchange only while fewer than {@code sluice.overload.max-exchanges} are in progress. A refusal costs
 * microseconds and touches nothing else; queueing instead would let every exchange in progress run into Envoy's
 * 200 ms timer. Refusals are counted ({@code sluice_streams_refused_total}) and logged at most once per
 * {@link #LOG_INTERVAL_NANOS} with how many there were, so an overload cannot flood the log.
 * <p>
 * {@code @Startup}: the limit and the stream window together bound the direct memory that bodies waiting in gRPC can
 * take, and a limit the JVM's direct memory cannot hold fails start-up naming the keys.
 */
@Startup
@Singleton
public class ExchangeAdmission {

    private static final Logger LOG = Logger.getLogger(ExchangeAdmission.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Share of the JVM's direct memory that waiting bodies may take; Netty's own buffers need the rest. */
    static final double DIRECT_MEMORY_SHARE = 0.75;
    /**
     * Direct memory a stream's window costs, as a multiple of its bytes: each DATA frame is copied into a buffer of
     * its own ({@link CopiedDataFrames}), which the pool rounds up to its size classes, and the connection's read
     * buffers come on top. Messages being read or held are {@code sluice.overload.max-held-bytes}, counted apart.
     */
    static final double WINDOW_OVERHEAD = 2;

    private final int limit;
    private final Status refusal;
    private final ExchangeMetrics metrics;
    private final AtomicInteger inProgress = new AtomicInteger();
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    public ExchangeAdmission(OverloadConfig config, TransportSettings transport, ExchangeMetrics metrics,
            MessageBudget budget) {
        this.limit = config.maxExchanges();
        this.metrics = metrics;
        long waiting = (long) (limit * (double) transport.streamWindow() * WINDOW_OVERHEAD);
        long direct = PlatformDependent.maxDirectMemory();
        if (waiting + budget.limit() > DIRECT_MEMORY_SHARE * direct) {
            throw new ConfigurationException(OverloadConfig.MAX_EXCHANGES + " x " + TransportConfig.STREAM_WINDOW + " x "
                    + WINDOW_OVERHEAD + " + " + OverloadConfig.MAX_HELD_BYTES + " = " + limit + " x "
                    + transport.streamWindow() + " x " + WINDOW_OVERHEAD + " + " + budget.limit() + " = "
                    + ((waiting + budget.limit()) >> 20) + " MiB for bodies in gRPC's windows and messages being read, more "
                    + "than " + Math.round(DIRECT_MEMORY_SHARE * 100) + "% of this JVM's direct memory (" + (direct >> 20)
                    + " MiB, -XX:MaxDirectMemorySize): lower one of them or give the JVM more direct memory");
        }
        this.refusal = Status.UNAVAILABLE.withDescription("Sluice is at its limit of " + limit
                + " exchanges in progress (" + OverloadConfig.MAX_EXCHANGES + "): refused at once so that Envoy's "
                + "failure_mode_allow decides");
        metrics.exchangeLimit(limit, inProgress);
    }

    /** Null when admitted (then {@link #release} once it ends); otherwise the status to end the new stream with. */
    Status admit() {
        if (inProgress.incrementAndGet() <= limit) {
            return null;
        }
        inProgress.decrementAndGet();
        metrics.streamRefused();
        long refused = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogNanos.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
            refusedSinceLog.addAndGet(-refused);
            LOG.warnf("overload: refused %d new exchange(s) with UNAVAILABLE in the last %d s, %d in progress (%s=%d)",
                    refused, TimeUnit.NANOSECONDS.toSeconds(LOG_INTERVAL_NANOS), limit, OverloadConfig.MAX_EXCHANGES, limit);
        }
        return refusal;
    }

    void release() {
        inProgress.decrementAndGet();
    }
}
