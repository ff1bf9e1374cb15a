package io.sluice.transport;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The process-wide budget of {@code sluice.overload.max-held-bytes}: the bytes of Envoy's messages held from the moment
 * gRPC starts reading one until Sluice has answered it.
 * <p>
 * A stream whose next message does not fit waits its turn, first come first served, so a large message is never
 * starved by small ones; while it waits its HTTP/2 window stays closed ({@link HeldBytesFlowController}). When nothing
 * is held, the next message is let in whatever its size, so one larger than the budget still gets through, alone.
 * Every stream that waits is woken by a release, and a stream that ends while waiting leaves the queue, so the queue
 * can neither deadlock nor lose a turn.
 */
@Singleton
public class MessageBudget {

    private static final Logger LOG = Logger.getLogger(MessageBudget.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final long limit;
    private final Counter waits;
    private final AtomicLong waitsSinceLog = new AtomicLong();
    private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    // Guarded by this.
    private long held;
    private final ArrayDeque<StreamBytes> waiting = new ArrayDeque<>();

    public MessageBudget(OverloadConfig config, MeterRegistry registry) {
        this.limit = config.maxHeldBytes();
        Gauge.builder("sluice.held.bytes", this, MessageBudget::held).baseUnit("bytes")
                .description("Bytes of Envoy's messages held, from gRPC's first read of each until Sluice answered it")
                .register(registry);
        Gauge.builder("sluice.held.bytes.limit", () -> limit).baseUnit("bytes")
                .description("The budget of held message bytes (sluice.overload.max-held-bytes)")
                .register(registry);
        this.waits = Counter.builder("sluice.held.bytes.waits")
                .description("Messages that waited for room in sluice.overload.max-held-bytes, their stream's window closed")
                .register(registry);
    }

    public long limit() {
        return limit;
    }

    synchronized long held() {
        return held;
    }

    /**
     * Reserves {@code bytes} for {@code stream}'s next message, or queues the stream to be woken when it is its turn
     * and there may be room. Called on the stream's event loop.
     */
    boolean reserve(StreamBytes stream, int bytes) {
        StreamBytes next = null;
        boolean granted;
        boolean queued = false;
        synchronized (this) {
            boolean turn = waiting.isEmpty() || waiting.peekFirst() == stream;
            granted = turn && (held == 0 || held + bytes <= limit);
            if (granted) {
                held += bytes;
                if (stream.waiting) {
                    waiting.pollFirst();
                    stream.waiting = false;
                }
                next = held < limit ? waiting.peekFirst() : null;
            } else if (!stream.waiting) {
                stream.waiting = true;
                waiting.addLast(stream);
                queued = true;
            }
        }
        if (next != null) {
            next.wake();
        }
        if (queued) {
            waited(bytes);
        }
        return granted;
    }

    /** Gives back what an answered message, or a stream that ended, held. */
    void release(long bytes) {
        if (bytes <= 0) {
            return;
        }
        StreamBytes head;
        synchronized (this) {
            held -= bytes;
            head = waiting.peekFirst();
        }
        if (head != null) {
            head.wake();
        }
    }

    /** A stream that ended while waiting gives up its turn. */
    void forget(StreamBytes stream) {
        StreamBytes head = null;
        synchronized (this) {
            if (stream.waiting) {
                boolean wasFirst = waiting.peekFirst() == stream;
                waiting.remove(stream);
                stream.waiting = false;
                head = wasFirst ? waiting.peekFirst() : null;
            }
        }
        if (head != null) {
            head.wake();
        }
    }

    private void waited(int bytes) {
        waits.increment();
        long count = waitsSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogNanos.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
            waitsSinceLog.addAndGet(-count);
            // Not a failure: Envoy holds the rest of the message meanwhile. Logged so that a budget set too low shows.
            LOG.infof("%d message(s) in the last %d s waited for room in %s=%d (the last one %d bytes); their streams' "
                    + "windows stayed closed meanwhile", count, TimeUnit.NANOSECONDS.toSeconds(LOG_INTERVAL_NANOS),
                    OverloadConfig.MAX_HELD_BYTES, limit, bytes);
        }
    }
}
