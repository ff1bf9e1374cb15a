package io.sluice.exchange;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProtocolConfiguration;
import io.grpc.Status;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.sluice.observability.ExchangeMetrics;
import io.sluice.observability.ExchangeTrace;
import io.sluice.observability.PhaseTrace;
import io.sluice.observability.ReplyCounts;
import io.sluice.pipeline.PhaseRunner;
import io.sluice.pipeline.Pipeline;
import io.sluice.pipeline.PipelineSelector;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.ModeOverride;
import io.sluice.stage.Outcome;

/**
 * One ext_proc stream, which is one HTTP exchange: owns the protocol state of both directions and answers each
 * message through the exchange's pipeline. Messages are handled one at a time in arrival order
 * (concatenation), so replies keep Envoy's FIFO order per direction without any reordering.
 */
public final class Exchange {

    private final ExchangeFacts facts;
    private final DirectionState requestPath = new DirectionState(Direction.REQUEST);
    private final DirectionState responsePath = new DirectionState(Direction.RESPONSE);
    private final PipelineSelector pipelines;
    private final PhaseRunner runner;
    private final ExchangeMetrics metrics;
    private final ExchangeTrace trace;
    private Pipeline pipeline;
    /** The body modes Envoy announced; what a mode override's unset body modes are filled with. */
    private ModeOverride announcedModes = ModeOverride.none();
    private boolean firstMessage = true;
    private volatile boolean answeredImmediately;
    /** Read by the idle watch from another thread; written after every accepted message. */
    private volatile boolean midFullDuplexBody;
    private final AtomicInteger answered = new AtomicInteger();
    private final int maxMessageBytes;
    private final MessageTimeouts timeouts;
    /** Set by {@link #answer} when the message's stages need Envoy's timer extended before they run. */
    private ProcessingResponse timerExtension;

    public Exchange(String id, PipelineSelector pipelines, PhaseRunner runner, ExchangeMetrics metrics,
            int maxMessageBytes) {
        this(id, pipelines, runner, metrics, maxMessageBytes, MessageTimeouts.ENVOY_DEFAULT);
    }

    public Exchange(String id, PipelineSelector pipelines, PhaseRunner runner, ExchangeMetrics metrics,
            int maxMessageBytes, MessageTimeouts timeouts) {
        this(id, pipelines, runner, metrics, maxMessageBytes, timeouts, ExchangeTrace.NONE);
    }

    public Exchange(String id, PipelineSelector pipelines, PhaseRunner runner, ExchangeMetrics metrics,
            int maxMessageBytes, MessageTimeouts timeouts, ExchangeTrace trace) {
        this(id, pipelines, runner, metrics, maxMessageBytes, timeouts, trace, false);
    }

    /** @param warmUp one of Sluice's own warm-up exchanges (see {@link io.sluice.stage.ExchangeContext#warmUp()}) */
    public Exchange(String id, PipelineSelector pipelines, PhaseRunner runner, ExchangeMetrics metrics,
            int maxMessageBytes, MessageTimeouts timeouts, ExchangeTrace trace, boolean warmUp) {
        this.trace = trace;
        this.facts = new ExchangeFacts(id, warmUp);
        this.pipelines = pipelines;
        this.runner = runner;
        this.metrics = metrics;
        this.maxMessageBytes = maxMessageBytes;
        this.timeouts = timeouts;
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

    /** The whole stream: Envoy's messages in, Sluice's replies out, in order. */
    public Multi<ProcessingResponse> process(Multi<ProcessingRequest> requests) {
        return requests.onItem().transformToMultiAndConcatenate(this::onMessage);
    }

    /** True while a FULL_DUPLEX_STREAMED body is in progress in either direction. */
    public boolean midFullDuplexBody() {
        return midFullDuplexBody && !answeredImmediately;
    }

    /** Messages whose replies (none, one or several) are decided and handed to the concatenation. */
    public int answeredMessages() {
        return answered.get();
    }

    Multi<ProcessingResponse> onMessage(ProcessingRequest request) {
        timerExtension = null;
        Multi<ProcessingResponse> replies = answer(request).onItem().transformToMulti(this::handOn);
        if (timerExtension == null) {
            return replies;
        }
        // Sent before the stages start, so that Envoy's timer is extended while they work.
        metrics.messageTimeoutOverride();
        return Multi.createBy().concatenating().streams(Multi.createFrom().item(timerExtension), replies);
    }

    /** Counted as answered once its replies are decided: the concatenation hands them on before the next message. */
    private Multi<ProcessingResponse> handOn(List<ProcessingResponse> replies) {
        answered.incrementAndGet();
        return switch (replies.size()) {
            case 0 -> Multi.createFrom().empty();
            case 1 -> Multi.createFrom().item(replies.get(0));
            default -> Multi.createFrom().iterable(replies);
        };
    }

    private Uni<List<ProcessingResponse>> answer(ProcessingRequest request) {
        if (answeredImmediately) {
            // Envoy ignores everything after an immediate response; messages it packed behind it need no reply.
            return Uni.createFrom().item(List.of());
        }
        long start = System.nanoTime();
        PhaseName phase;
        PhaseReply reply;
        PhaseReply flush;
        try {
            phase = PhaseName.of(request);
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
            reply = phaseReply(phase, request);
            if (phase.kind() == PhaseName.Kind.BODY) {
                metrics.bodyBytes(phase.direction(), ExchangeMetrics.Flow.IN, reply.chunk.size());
            }
            flush = phase.kind() == PhaseName.Kind.TRAILERS && direction.streamedBodyOpen() ? lastChunkBeforeTrailers(phase) : null;
            direction.accept(phase, reply.endOfStream);
            midFullDuplexBody = requestPath.midFullDuplexBody() || responsePath.midFullDuplexBody();
            if (pipeline == null) {
                pipeline = pipelines.select(facts);
                facts.pipeline(pipeline.name());
                trace.begin(facts);
            }
            // Envoy runs no message timer in observability mode or for FULL_DUPLEX_STREAMED bodies.
            if (!facts.observabilityMode() && !(phase.kind() == PhaseName.Kind.BODY
                    && direction.replyBodyMode() == BodySendMode.FULL_DUPLEX_STREAMED)) {
                timerExtension = timeouts.overrideFor(pipeline.budget(phase)).orElse(null);
            }
        } catch (RuntimeException violation) {
            return Uni.createFrom().failure(violation);
        }
        PhaseTrace phaseTrace = trace.phase(phase);
        Uni<Outcome> outcome = runner.run(pipeline, reply, facts, phaseTrace);
        if (phaseTrace != null) {
            outcome = traced(outcome, phaseTrace);
        }
        Uni<List<ProcessingResponse>> replies = outcome
                .map(decided -> {
                    metrics.messageAnswered(phase, pipeline.name(), System.nanoTime() - start);
                    return replies(phase, reply, decided);
                });
        return flush == null ? replies : runner.run(pipeline, flush, facts, phaseTrace).flatMap(flushOutcome -> {
            List<ProcessingResponse> flushed = flushReplies(flush, flushOutcome);
            return answeredImmediately ? Uni.createFrom().item(flushed) : replies.map(trailers -> concat(flushed, trailers));
        });
    }

    /** Ends the phase span with the stages' outcome; only on traced exchanges, so untraced ones add no operator. */
    private static Uni<Outcome> traced(Uni<Outcome> outcome, PhaseTrace phaseTrace) {
        return outcome
                .onItemOrFailure().invoke(phaseTrace::end)
                .onCancellation().invoke(phaseTrace::cancelled);
    }

    private List<ProcessingResponse> replies(PhaseName phase, PhaseReply reply, Outcome outcome) {
        if (facts.observabilityMode()) {
            return List.of();
        }
        if (outcome instanceof ImmediateReply immediate) {
            answeredImmediately = true;
            metrics.immediateResponse(phase, pipeline.name(), immediate.status());
            return List.of(ReplyEncoder.immediate(immediate, reply));
        }
        if (reply.modeOverride != null) {
            ReplyCounts.modeOverride(metrics, reply.modeOverride);
            reply.modeOverride.requestBody().ifPresent(requestPath::overrideRequested);
            reply.modeOverride.responseBody().ifPresent(responsePath::overrideRequested);
        }
        DirectionState direction = state(phase.direction());
        if (phase.kind() == PhaseName.Kind.HEADERS) {
            direction.headersHeld(reply.headers);
        }
        List<ProcessingResponse> encoded = ReplyEncoder.encode(reply, direction.replyBodyMode(), announcedModes);
        if (phase.kind() == PhaseName.Kind.BODY) {
            metrics.bodyBytes(phase.direction(), ExchangeMetrics.Flow.OUT, ReplyCounts.bodyBytesSent(encoded));
        }
        return encoded;
    }

    /**
     * Trailers ended a streamed body whose last chunk did not say it was the last: the body stages get an empty
     * last chunk first, so whatever they hold back (a carry-over tail, a document) is released. FULL_DUPLEX_STREAMED
     * sends it as body chunks ahead of the trailers reply. STREAMED has already answered every chunk and has no way
     * to send more bytes, so released bytes end the stream with an error rather than vanish.
     */
    private List<ProcessingResponse> flushReplies(PhaseReply flush, Outcome outcome) {
        boolean fullDuplex = state(flush.phase.direction()).replyBodyMode() == BodySendMode.FULL_DUPLEX_STREAMED;
        if (fullDuplex || outcome instanceof ImmediateReply || facts.observabilityMode()) {
            return replies(flush.phase, flush, outcome);
        }
        if (!flush.chunk.isEmpty()) {
            throw Status.INTERNAL.withDescription("body stages released " + flush.chunk.size() + " held-back bytes of the "
                    + flush.phase.direction().wireName() + " body when " + flush.phase.direction().wireName()
                    + "_trailers arrived, but a STREAMED body cannot carry bytes after its last chunk; use "
                    + "FULL_DUPLEX_STREAMED for bodies followed by trailers").asRuntimeException();
        }
        return List.of();
    }

    private static List<ProcessingResponse> concat(List<ProcessingResponse> first, List<ProcessingResponse> then) {
        if (first.isEmpty()) {
            return then;
        }
        List<ProcessingResponse> all = new ArrayList<>(first.size() + then.size());
        all.addAll(first);
        all.addAll(then);
        return all;
    }

    private PhaseReply phaseReply(PhaseName phase, ProcessingRequest request) {
        return switch (phase) {
            case REQUEST_HEADERS -> {
                HttpHeaders headers = request.getRequestHeaders();
                MutableHeaders view = MutableHeaders.of(headers.getHeaders());
                facts.requestHeaders(view);
                yield new PhaseReply(phase, view, null, headers.getEndOfStream());
            }
            case RESPONSE_HEADERS -> {
                HttpHeaders headers = request.getResponseHeaders();
                yield new PhaseReply(phase, MutableHeaders.of(headers.getHeaders()), null, headers.getEndOfStream());
            }
            case REQUEST_BODY -> body(phase, request.getRequestBody(), requestPath);
            case RESPONSE_BODY -> body(phase, request.getResponseBody(), responsePath);
            case REQUEST_TRAILERS -> new PhaseReply(phase, MutableHeaders.of(request.getRequestTrailers().getTrailers()),
                    null, true);
            case RESPONSE_TRAILERS -> new PhaseReply(phase, MutableHeaders.of(request.getResponseTrailers().getTrailers()),
                    null, true);
        };
    }

    /** The empty, last body message that stands for the end of a streamed body which trailers ended. */
    private static PhaseReply lastChunkBeforeTrailers(PhaseName trailers) {
        PhaseName body = trailers.direction() == Direction.REQUEST ? PhaseName.REQUEST_BODY : PhaseName.RESPONSE_BODY;
        PhaseReply reply = new PhaseReply(body, null, ByteString.EMPTY, false);
        reply.lastMessage = true;
        return reply;
    }

    /** Headers come with a body message only while Envoy still holds them (BUFFERED modes, headers sent). */
    private static PhaseReply body(PhaseName phase, HttpBody body, DirectionState direction) {
        PhaseReply reply = new PhaseReply(phase, direction.heldHeaders().orElse(null), body.getBody(), body.getEndOfStream());
        reply.lastMessage = body.getEndOfStream() || direction.sendsBodyAsOneMessage();
        return reply;
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
