package io.sluice.observability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.sluice.exchange.PhaseName;
import io.sluice.stage.StagePolicy;

/**
 * Sluice's own meters, next to Quarkus' gRPC ones (which time whole streams, not messages). All names are
 * documented in the README.
 */
@Singleton
public class ExchangeMetrics {

    public enum End {
        /** Envoy half-closed and Sluice completed the call with OK. */
        COMPLETED,
        /** Envoy reset the stream: the normal end of an exchange. */
        CANCELLED,
        /** Envoy broke the protocol; the stream ended with INVALID_ARGUMENT or FAILED_PRECONDITION. */
        PROTOCOL_ERROR,
        /** A stage failed with policy grpc-error, or Sluice itself failed. */
        ERROR
    }

    private final MeterRegistry registry;
    private final AtomicInteger active = new AtomicInteger();
    private final Map<String, Map<PhaseName, Timer>> messageTimers = new ConcurrentHashMap<>();
    private final Map<End, Counter> streamsEnded = new java.util.EnumMap<>(End.class);
    private final DistributionSummary held;

    public ExchangeMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("sluice.streams.active", active);
        for (End end : End.values()) {
            streamsEnded.put(end, Counter.builder("sluice.streams.ended")
                    .tag("end", end.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
        this.held = DistributionSummary.builder("sluice.stream.held.messages")
                .description("Per stream: the most messages taken from gRPC and not yet answered at any moment")
                .register(registry);
    }

    public void streamStarted() {
        active.incrementAndGet();
    }

    public void streamEnded(End end, int maxHeldMessages) {
        active.decrementAndGet();
        held.record(maxHeldMessages);
        streamsEnded.get(end).increment();
    }

    public void messageAnswered(PhaseName phase, String pipeline, long nanos) {
        // Cached: a registry lookup with tags on every message costs more than the stages of a small pipeline.
        messageTimers.computeIfAbsent(pipeline, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(phase, ph -> Timer.builder("sluice.message.duration")
                        .description("Time from a message's arrival to its reply being ready, stages included")
                        .tag("phase", ph.wireName())
                        .tag("pipeline", pipeline)
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    public void immediateResponse(PhaseName phase, String pipeline, int status) {
        Counter.builder("sluice.immediate.responses")
                .tag("phase", phase.wireName()).tag("pipeline", pipeline).tag("status", Integer.toString(status))
                .register(registry).increment();
    }

    /** Sluice asked Envoy to extend its message timer ({@code override_message_timeout}). */
    public void messageTimeoutOverride() {
        Counter.builder("sluice.message.timeout.overrides").register(registry).increment();
    }

    public void stageFailed(String stage, PhaseName phase, StagePolicy.OnFailure policy, boolean timeout) {
        Counter.builder("sluice.stage.failures")
                .tag("stage", stage)
                .tag("phase", phase.wireName())
                .tag("policy", policy.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                .tag("reason", timeout ? "timeout" : "error")
                .register(registry).increment();
    }
}
