package io.sluice.transport;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import io.sluice.config.SluiceConfig;

/**
 * Ends FULL_DUPLEX_STREAMED streams that stall: one sweep over the open streams every so often, rather than a
 * timer re-armed on every message of every stream.
 */
@Singleton
public class FullDuplexIdleWatch {

    private final Set<FlowControlledStream> streams = ConcurrentHashMap.newKeySet();
    private final long timeoutNanos;
    private final ScheduledExecutorService sweeper;

    public FullDuplexIdleWatch(SluiceConfig config) {
        Duration timeout = config.exchange().fullDuplexIdleTimeout();
        this.timeoutNanos = timeout.toNanos();
        long every = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-idle-watch");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    void watch(FlowControlledStream stream) {
        streams.add(stream);
    }

    void forget(FlowControlledStream stream) {
        streams.remove(stream);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (FlowControlledStream stream : streams) {
            stream.endIfStalled(now, timeoutNanos);
        }
    }

    @PreDestroy
    void stop() {
        sweeper.shutdownNow();
    }
}
