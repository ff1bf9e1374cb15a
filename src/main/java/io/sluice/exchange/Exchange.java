package io.sluice.exchange;

import java.util.Queue;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProtocolConfiguration;
import io.grpc.Status;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Multi;
import io.sluice.message.MutableHeaders;
import io.sluice.message.PhaseReply;
import io.sluice.observability.ExchangeMetrics;
import io.sluice.observability.ExchangeTrace;
import io.sluice.observability.PhaseTrace;
import io.sluice.observability.ReplyCounts;
import io.sluice.pipeline.PhaseRunner;
import io.sluice.pipeline.Pipeline;
import io.sluice.pipeline.PipelineSelector;
import io.sluice.pipeline.StageRun;
import io.sluice.stage.Direction;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.ModeOverride;
import io.sluice.stage.Outcome;
import io.sluice.stage.PhaseName;

/**
 * One ext_proc stream, which is one HTTP exchange: the state machine of both directions and of the message being
 * answered. Messages are answered one at a time in arrival order, so replies keep Envoy's FIFO order per direction
 * without any reordering; {@link #process} is the stream as a Mutiny {@code Multi -> Multi}.
 * <p>
 * Not thread-safe: {@link ExchangeStream} calls it from one thread at a time. {@link #answeredMessages()} and
 * {@link #midFullDuplexBody()} are read by the transport from others.
 */
public final class Exchange {

    private enum Step {
        /** The empty last body message that trailers imply is with the body stages. */
        FLUSH,
        /** The message itself is with its stages. */
        MESSAGE
    }

    private final ExchangeFacts facts;
    private final DirectionState requestPath = new DirectionState(Direction.REQUEST);
    private final DirectionState responsePath = new DirectionState(Direction.RESPONSE);
    private final PipelineSelector pipelines;
    private final ExchangeMetrics metrics;
    private final ExchangeTrace trace;
    private final int maxMessageBytes;
    private final int maxInFlight;
    private final MessageTimeouts timeouts;
    private final StageRun run;
    /** Set by the stream that subscribes; called from any thread when a stage answers after its turn. */
    private Runnable wakeUp = () -> { };
    private Pipeline pipeline;
    private Timer[] messageTimers;
    /** The body modes Envoy announced; what a mode override's unset body modes are filled with. */
    private ModeOverride announcedModes = ModeOverride.none();
    private boolean firstMessage = true;
    private volatile boolean answeredImmediately;
    /** Read by the idle watch from another thread; written after every accepted message. */
    private volatile boolean midFullDuplexBody;
    private volatile int answered;

    // The message being answered.
    private Step step;
    private PhaseName phase;
    private PhaseReply reply;
    private PhaseReply flush;
    private PhaseTrace phaseTrace;
    private long startNanos;

    /** With the defaults: no size limit, 8 in flight, Envoy's message timer, no tracing; for tests and benchmarks. */
    public Exchange(long serial, PipelineSelector pipelines, PhaseRunner runner, ExchangeMetrics metrics) {
        this(serial, pipelines, runner, metrics, Integer.MAX_VALUE, 8, MessageTimeouts.ENVOY_DEFAULT, ExchangeTrace.NONE,
                false);
    }

    /**
     * @param serial unique in this process; the exchange's id is made of it
     * @param warmUp one of Sluice's own warm-up exchanges (see {@link io.sluice.stage.ExchangeContext#warmUp()})
     * @param maxInFlight messages Envoy may have sent and Sluice not yet answered (sluice.exchange.max-in-flight)
     */
    public Exchange(long serial, PipelineSelector pipelines, PhaseRunner runner, ExchangeMetrics metrics,
            int maxMessageBytes, int maxInFlight, MessageTimeouts timeouts, ExchangeTrace trace, boolean warmUp) {
        this.trace = trace;
        this.facts = new ExchangeFacts(serial, warmUp);
        this.pipelines = pipelines;
        this.metrics = metrics;
        this.maxMessageBytes = maxMessageBytes;
        this.maxInFlight = maxInFlight;
        this.timeouts = timeouts;
        this.run = runner.newRun(this::stageAnswered);
    }

    public String id() {
        return facts.id();
    }

    /** Where this exchange is counted; the transport counts its stream there too. */
    public ExchangeMetrics metrics() {
        return metrics;
    }

    /** The stream's span ({@link ExchangeTrace#NONE} when tracing is off), ended by the transport. */
    public ExchangeTrace trace() {
        return trace;
    }

    /**
     * The whole stream: Envoy's messages in, Sluice's replies out, in order. At most {@code max-in-flight} messages
     * are requested ahead of the one being answered; a message's stages start only once every reply before it was
     * requested downstream, so a slow reader holds the exchange, and through it Envoy. Subscribe once.
     */
    public Multi<ProcessingResponse> process(Multi<ProcessingRequest> requests) {
        return new ExchangeStream(this, requests, maxInFlight);
    }

    /** True while a FULL_DUPLEX_STREAMED body is in progress in either direction. */
    public boolean midFullDuplexBody() {
        return midFullDuplexBody && !answeredImmediately;
    }

    /** Messages whose replies (none, one or several) are decided and handed on to the stream. */
    public int answeredMessages() {
        return answered;
    }

    void wakeUpWith(Runnable wakeUp) {
        this.wakeUp = wakeUp;
    }

    private void stageAnswered() {
        wakeUp.run();
    }

    /**
     * Takes the next message: checks it against the protocol, and runs its stages.
     *
     * @param out where the message's replies go, in order
     * @return true when it is answered; false while a stage is outstanding (then {@link #resume} once woken)
     * @throws io.grpc.StatusRuntimeException the message breaks the protocol, or a stage's policy ends the stream
     */
    boolean begin(ProcessingRequest request, Queue<ProcessingResponse> out) {
        if (answeredImmediately) {
            // Envoy ignores everything after an immediate response; messages it packed behind it need no reply.
            answered++;
            return true;
        }
        startNanos = System.nanoTime();
        phase = phaseOf(request);
        int size = request.getSerializedSize();
        if (size > maxMessageBytes) {
            throw ProtocolViolation.overLimit(phase.wireName() + " of " + size + " bytes exceeds "
                    + "sluice.exchange.max-message-bytes=" + maxMessageBytes);
        }
        facts.absorb(request);
        if (firstMessage) {
            firstMessage = false;
            if (request.hasProtocolConfig()) {
                announce(request.getProtocolConfig());
            }
        }
        DirectionState direction = state(phase.direction());
        reply = phaseReply(request, direction);
        if (phase.kind() == PhaseName.Kind.BODY) {
            metrics.bodyBytes(phase.direction(), ExchangeMetrics.Flow.IN, reply.chunk().size());
        }
        flush = phase.kind() == PhaseName.Kind.TRAILERS && direction.streamedBodyOpen() ? direction.lastChunkBeforeTrailers()
                : null;
        direction.accept(phase, reply.endOfStream());
        midFullDuplexBody = requestPath.midFullDuplexBody() || responsePath.midFullDuplexBody();
        if (pipeline == null) {
            pipeline = pipelines.select(facts);
            facts.pipeline(pipeline.name());
            messageTimers = metrics.messageTimers(pipeline.name());
            trace.begin(facts);
        }
        // Envoy runs no message timer in observability mode or for FULL_DUPLEX_STREAMED bodies.
        if (!facts.observabilityMode() && !(phase.kind() == PhaseName.Kind.BODY
                && direction.replyBodyMode() == BodySendMode.FULL_DUPLEX_STREAMED)) {
            ProcessingResponse extension = timeouts.overrideFor(pipeline.budget(phase));
            if (extension != null) {
                // Sent before the stages start, so that Envoy's timer is extended while they work.
                metrics.messageTimeoutOverride();
                out.add(extension);
            }
        }
        phaseTrace = trace.phase(phase);
        if (flush != null) {
            step = Step.FLUSH;
            return runStages(flush) && flushThenMessage(out);
        }
        step = Step.MESSAGE;
        return runStages(reply) && answer(out);
    }

    /**
     * Goes on with the message after a stage answered outside its turn.
     *
     * @return true when the message is answered; false while a stage is still outstanding
     */
    boolean resume(Queue<ProcessingResponse> out) {
        boolean done;
        try {
            done = run.resume();
        } catch (RuntimeException failure) {
            throw ended(failure);
        }
        if (!done) {
            return false;
        }
        return step == Step.FLUSH ? flushThenMessage(out) : answer(out);
    }

    /** The stream ended while a message was with its stages. */
    void cancel() {
        run.cancel();
        if (phaseTrace != null) {
            phaseTrace.cancelled();
            phaseTrace = null;
        }
    }

    private boolean runStages(PhaseReply message) {
        try {
            return run.start(pipeline, message, facts, phaseTrace);
        } catch (RuntimeException failure) {
            throw ended(failure);
        }
    }

    private RuntimeException ended(RuntimeException failure) {
        if (phaseTrace != null) {
            phaseTrace.end(null, failure);
            phaseTrace = null;
        }
        return failure;
    }

    /**
     * Trailers ended a streamed body whose last chunk did not say it was the last: the body stages had an empty
     * last chunk first, so whatever they hold back (a carry-over tail, a document) is released. FULL_DUPLEX_STREAMED
     * sends it as body chunks ahead of the trailers reply. STREAMED has already answered every chunk and has no way
     * to send more bytes, so released bytes end the stream with an error rather than vanish.
     *
     * Then the trailers' own stages run, unless an immediate response answered the exchange.
     */
    private boolean flushThenMessage(Queue<ProcessingResponse> out) {
        Outcome outcome = run.outcome();
        boolean fullDuplex = state(flush.phase().direction()).replyBodyMode() == BodySendMode.FULL_DUPLEX_STREAMED;
        if (fullDuplex || outcome instanceof ImmediateReply || facts.observabilityMode()) {
            replies(flush, outcome, out);
        } else if (!flush.chunk().isEmpty()) {
            throw ended(Status.INTERNAL.withDescription("body stages released " + flush.chunk().size() + " held-back bytes "
                    + "of the " + flush.phase().direction().wireName() + " body when "
                    + flush.phase().direction().wireName() + "_trailers arrived, but a STREAMED body cannot carry bytes "
                    + "after its last chunk; use FULL_DUPLEX_STREAMED for bodies followed by trailers").asRuntimeException());
        }
        if (answeredImmediately) {
            if (phaseTrace != null) {
                phaseTrace.end(outcome, null);
                phaseTrace = null;
            }
            answered++;
            return true;
        }
        step = Step.MESSAGE;
        return runStages(reply) && answer(out);
    }

    private boolean answer(Queue<ProcessingResponse> out) {
        Outcome outcome = run.outcome();
        if (phaseTrace != null) {
            phaseTrace.end(outcome, null);
            phaseTrace = null;
        }
        messageTimers[phase.ordinal()].record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        replies(reply, outcome, out);
        reply = null;
        flush = null;
        answered++;
        return true;
    }

    private void replies(PhaseReply message, Outcome outcome, Queue<ProcessingResponse> out) {
        if (facts.observabilityMode()) {
            return;
        }
        PhaseName of = message.phase();
        if (outcome instanceof ImmediateReply immediate) {
            answeredImmediately = true;
            metrics.immediateResponse(of, pipeline.name(), immediate.status());
            out.add(ReplyEncoder.immediate(immediate, message));
            return;
        }
        if (message.modeOverride() != null) {
            ReplyCounts.modeOverride(metrics, message.modeOverride());
            message.modeOverride().requestBody().ifPresent(requestPath::overrideRequested);
            message.modeOverride().responseBody().ifPresent(responsePath::overrideRequested);
        }
        long bodyBytes = state(of.direction()).encode(message, announcedModes, out);
        if (of.kind() == PhaseName.Kind.BODY) {
            metrics.bodyBytes(of.direction(), ExchangeMetrics.Flow.OUT, bodyBytes);
        }
    }

    private PhaseReply phaseReply(ProcessingRequest request, DirectionState direction) {
        return switch (phase) {
            case REQUEST_HEADERS -> {
                HttpHeaders headers = request.getRequestHeaders();
                MutableHeaders view = MutableHeaders.of(headers.getHeaders());
                facts.requestHeaders(view);
                yield new PhaseReply(phase, view, null, headers.getEndOfStream(), false);
            }
            case RESPONSE_HEADERS -> {
                HttpHeaders headers = request.getResponseHeaders();
                yield new PhaseReply(phase, MutableHeaders.of(headers.getHeaders()), null, headers.getEndOfStream(), false);
            }
            case REQUEST_BODY -> direction.bodyReply(request.getRequestBody());
            case RESPONSE_BODY -> direction.bodyReply(request.getResponseBody());
            case REQUEST_TRAILERS -> new PhaseReply(phase, MutableHeaders.of(request.getRequestTrailers().getTrailers()),
                    null, true, false);
            case RESPONSE_TRAILERS -> new PhaseReply(phase, MutableHeaders.of(request.getResponseTrailers().getTrailers()),
                    null, true, false);
        };
    }

    /** @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT when the request carries no message at all */
    private static PhaseName phaseOf(ProcessingRequest request) {
        return switch (request.getRequestCase()) {
            case REQUEST_HEADERS -> PhaseName.REQUEST_HEADERS;
            case REQUEST_BODY -> PhaseName.REQUEST_BODY;
            case REQUEST_TRAILERS -> PhaseName.REQUEST_TRAILERS;
            case RESPONSE_HEADERS -> PhaseName.RESPONSE_HEADERS;
            case RESPONSE_BODY -> PhaseName.RESPONSE_BODY;
            case RESPONSE_TRAILERS -> PhaseName.RESPONSE_TRAILERS;
            case REQUEST_NOT_SET -> throw ProtocolViolation.malformed(UndecodableMessage.reason(request)
                    .map(reason -> "ProcessingRequest cannot be decoded: " + reason)
                    .orElse("ProcessingRequest carries no message: none of request_headers, request_body, "
                            + "request_trailers, response_headers, response_body, response_trailers is set"));
        };
    }

    private void announce(ProtocolConfiguration config) {
        // Protobuf keeps an enum number it does not know as UNRECOGNIZED; treated as any known mode it would be guessed.
        if (config.getRequestBodyMode() == BodySendMode.UNRECOGNIZED
                || config.getResponseBodyMode() == BodySendMode.UNRECOGNIZED) {
            String which = config.getRequestBodyMode() == BodySendMode.UNRECOGNIZED
                    ? "request_body_mode " + config.getRequestBodyModeValue()
                    : "response_body_mode " + config.getResponseBodyModeValue();
            throw ProtocolViolation.malformed("protocol_config." + which + " is not a body mode Envoy defines (NONE, "
                    + "STREAMED, BUFFERED, BUFFERED_PARTIAL, FULL_DUPLEX_STREAMED)");
        }
        requestPath.announce(config.getRequestBodyMode());
        responsePath.announce(config.getResponseBodyMode());
        announcedModes = ModeOverride.none().withRequestBody(config.getRequestBodyMode())
                .withResponseBody(config.getResponseBodyMode());
    }

    private DirectionState state(Direction direction) {
        return direction == Direction.REQUEST ? requestPath : responsePath;
    }
}
