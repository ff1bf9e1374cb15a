package io.sluice.observability;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.stage.Direction;
import io.sluice.stage.PhaseName;
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

    /** Why a stream ended with an error (bounded: one value per way Sluice can end a stream). */
    public enum ErrorCause {
        /** An empty or unreadable ProcessingRequest (INVALID_ARGUMENT). */
        MALFORMED,
        /** A message Envoy could not have sent in the stream's state (FAILED_PRECONDITION). */
        OUT_OF_ORDER,
        /** A message over sluice.exchange.max-message-bytes (RESOURCE_EXHAUSTED). */
        OVER_LIMIT,
        /** A FULL_DUPLEX_STREAMED body with nothing from Envoy for sluice.exchange.full-duplex-idle-timeout. */
        IDLE_TIMEOUT,
        /** A stage with policy grpc-error failed or timed out, or stages released bytes a STREAMED body cannot carry. */
        STAGE,
        /** Sluice itself failed unexpectedly. */
        INTERNAL;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    /** Bodies seen: bytes Envoy sent in body messages (in), bytes Sluice sent back as body mutations (out). */
    public enum Flow {
        IN, OUT
    }

    private static final Duration HISTOGRAM_MIN = Duration.ofNanos(10_000);
    private static final Duration HISTOGRAM_MAX = Duration.ofSeconds(10);

    private final MeterRegistry registry;
    private final AtomicInteger active = new AtomicInteger();
    private final Counter streamsStarted;
    /** Per pipeline, one timer per phase (indexed by ordinal), looked up once per exchange. */
    private final Map<String, Timer[]> messageTimers = new ConcurrentHashMap<>();
    private final Map<ImmediateKey, Counter> immediateResponses = new ConcurrentHashMap<>();
    private final Map<FailureKey, Counter> stageFailures = new ConcurrentHashMap<>();
    /** Per stage name, one timer per phase (indexed by ordinal): stage names come from config, a small set. */
    private final Map<String, Timer[]> stageTimers = new ConcurrentHashMap<>();
    private final Map<End, Counter> streamsEnded = new EnumMap<>(End.class);
    private final Map<ErrorCause, Counter> streamErrors = new EnumMap<>(ErrorCause.class);
    private final Counter[] bodyBytes = new Counter[Direction.values().length * Flow.values().length];
    private final Map<String, Counter> modeOverrides = new ConcurrentHashMap<>();
    private final Counter timeoutOverrides;
    private final DistributionSummary held;
    private final Counter refused;

    public ExchangeMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("sluice.streams.active", active, AtomicInteger::get)
                .description("ext_proc streams open now")
                .register(registry);
        this.streamsStarted = Counter.builder("sluice.streams.started")
                .description("ext_proc streams opened by Envoy").register(registry);
        for (ErrorCause cause : ErrorCause.values()) {
            streamErrors.put(cause, Counter.builder("sluice.stream.errors")
                    .description("Streams Sluice ended with a gRPC error, by cause")
                    .tag("cause", cause.tag).register(registry));
        }
        for (Direction direction : Direction.values()) {
            for (Flow flow : Flow.values()) {
                bodyBytes[direction.ordinal() * Flow.values().length + flow.ordinal()] = Counter.builder("sluice.body.bytes")
                        .description("Body bytes Envoy sent (in) and Sluice sent back as body mutations (out)")
                        .baseUnit("bytes")
                        .tag("direction", direction.wireName()).tag("flow", flow.name().toLowerCase(Locale.ROOT))
                        .register(registry);
            }
        }
        this.timeoutOverrides = Counter.builder("sluice.message.timeout.overrides")
                .description("override_message_timeout messages Sluice sent to extend Envoy's message timer")
                .register(registry);
        for (End end : End.values()) {
            streamsEnded.put(end, Counter.builder("sluice.streams.ended")
                    .description("ext_proc streams that ended, by how (cancelled is Envoy's normal reset)")
                    .tag("end", end.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
        this.held = DistributionSummary.builder("sluice.stream.held.messages")
                .description("Per stream: the most messages taken from gRPC and not yet answered at any moment")
                .register(registry);
        this.refused = Counter.builder("sluice.streams.refused")
                .description("New ext_proc streams refused with UNAVAILABLE, by reason")
                .tag("reason", "overload").register(registry);
    }

    /** The admission limit and the exchanges it counts as in progress. */
    public void exchangeLimit(int limit, AtomicInteger inProgress) {
        Gauge.builder("sluice.exchanges.limit", () -> limit)
                .description("Exchanges in progress beyond which new streams are refused (sluice.overload.max-exchanges)")
                .register(registry);
        Gauge.builder("sluice.exchanges.in.progress", inProgress, AtomicInteger::get)
                .description("Exchanges admitted and not yet ended")
                .register(registry);
    }

    /** A new stream refused by the admission limit. */
    public void streamRefused() {
        refused.increment();
    }

    /**
     * The same meters in a registry of their own that nothing exports: for Sluice's warm-up exchanges, which run the
     * recording code (so it is warm when Envoy's first exchange comes) without showing in {@code /q/metrics}.
     */
    public static ExchangeMetrics unexported() {
        return new ExchangeMetrics(new SimpleMeterRegistry());
    }

    public void streamStarted() {
        active.incrementAndGet();
        streamsStarted.increment();
    }

    /** Counted next to {@link #streamEnded} for streams that end with an error Sluice sent. */
    public void streamError(ErrorCause cause) {
        streamErrors.get(cause).increment();
    }

    public void bodyBytes(Direction direction, Flow flow, long bytes) {
        if (bytes > 0) {
            bodyBytes[direction.ordinal() * Flow.values().length + flow.ordinal()].increment(bytes);
        }
    }

    /** A stage asked Envoy to change how it sends a part of the exchange ({@code mode_override}). */
    public void modeOverride(Direction direction, String mode) {
        // Rare (at most once per headers reply), so the key string may be built each time.
        modeOverrides.computeIfAbsent(direction.wireName() + '/' + mode, k -> Counter.builder("sluice.mode.overrides")
                .description("Processing mode changes stages requested, by direction and requested mode")
                .tag("direction", direction.wireName()).tag("mode", mode)
                .register(registry)).increment();
    }

    public void stageAnswered(String stage, PhaseName phase, long nanos) {
        Timer[] timers = stageTimers.computeIfAbsent(stage, s -> new Timer[PhaseName.values().length]);
        Timer timer = timers[phase.ordinal()];
        if (timer == null) {
            // A benign race: two threads may build the same timer; the registry hands both the same instance.
            timer = Timer.builder("sluice.stage.duration")
                    .description("Time one stage's hook took on one message, until its Outcome (or failure)")
                    .tag("stage", stage).tag("phase", phase.wireName())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(HISTOGRAM_MIN).maximumExpectedValue(HISTOGRAM_MAX)
                    .register(registry);
            timers[phase.ordinal()] = timer;
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void streamEnded(End end, int maxHeldMessages) {
        active.decrementAndGet();
        held.record(maxHeldMessages);
        streamsEnded.get(end).increment();
    }

    /**
     * The {@code sluice.message.duration} timers of a pipeline, indexed by {@link PhaseName#ordinal()}: an exchange
     * takes them once, when its pipeline is chosen, and records each message's time from arrival to reply.
     */
    public Timer[] messageTimers(String pipeline) {
        Timer[] timers = messageTimers.get(pipeline);
        return timers != null ? timers : messageTimers.computeIfAbsent(pipeline, this::newMessageTimers);
    }

    private Timer[] newMessageTimers(String pipeline) {
        Timer[] timers = new Timer[PhaseName.values().length];
        for (PhaseName phase : PhaseName.values()) {
            timers[phase.ordinal()] = Timer.builder("sluice.message.duration")
                    .description("Time from a message's arrival to its reply being ready, stages included")
                    .tag("phase", phase.wireName())
                    .tag("pipeline", pipeline)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(HISTOGRAM_MIN).maximumExpectedValue(HISTOGRAM_MAX)
                    .register(registry);
        }
        return timers;
    }

    private record ImmediateKey(PhaseName phase, String pipeline, int status) {
    }

    public void immediateResponse(PhaseName phase, String pipeline, int status) {
        ImmediateKey key = new ImmediateKey(phase, pipeline, status);
        Counter counter = immediateResponses.get(key);
        if (counter == null) {
            counter = immediateResponses.computeIfAbsent(key, k -> Counter.builder("sluice.immediate.responses")
                    .description("Immediate responses Sluice sent instead of letting the request or response go on")
                    .tag("phase", k.phase().wireName()).tag("pipeline", k.pipeline())
                    .tag("status", Integer.toString(k.status()))
                    .register(registry));
        }
        counter.increment();
    }

    /** Sluice asked Envoy to extend its message timer ({@code override_message_timeout}). */
    public void messageTimeoutOverride() {
        timeoutOverrides.increment();
    }

    private record FailureKey(String stage, PhaseName phase, StagePolicy.OnFailure policy, boolean timeout) {
    }

    public void stageFailed(String stage, PhaseName phase, StagePolicy.OnFailure policy, boolean timeout) {
        FailureKey key = new FailureKey(stage, phase, policy, timeout);
        Counter counter = stageFailures.get(key);
        if (counter == null) {
            counter = stageFailures.computeIfAbsent(key, k -> Counter.builder("sluice.stage.failures")
                    .description("Stage hooks that failed or timed out, by stage, phase, failure policy and reason")
                    .tag("stage", k.stage())
                    .tag("phase", k.phase().wireName())
                    .tag("policy", k.policy().configValue())
                    .tag("reason", k.timeout() ? "timeout" : "error")
                    .register(registry));
        }
        counter.increment();
    }
}
