package io.sluice.transport;

import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.sluice.exchange.Exchange;
import io.sluice.observability.ExchangeMetrics;
import io.sluice.observability.ThrottledLog;

/**
 * Bridges one gRPC call to the exchange's {@code Multi -> Multi} with flow control in both directions.
 * <p>
 * Inbound: automatic requests are off; Sluice asks the call for messages only while fewer than
 * {@code max-in-flight} messages and {@code max-in-flight-bytes} bytes are held unanswered ({@link #takeMore}). What
 * Envoy sends beyond that waits in the stream's HTTP/2 flow-control window, and then in Envoy, which pushes back
 * on the client at its buffer-limit watermarks.
 * <p>
 * Outbound: a reply is requested from the pipeline only while the call is ready to send, so a slow reader
 * stops the pipeline, which stops inbound requests too.
 */
final class FlowControlledStream extends ServerCall.Listener<ProcessingRequest> {

    private static final Logger LOG = Logger.getLogger(FlowControlledStream.class);
    /** Bad streams are a client's to repeat at will: one line per status code every 10 s, the rest folded in. */
    private static final ThrottledLog BAD_STREAMS = new ThrottledLog(LOG);

    private final ServerCall<ProcessingRequest, ProcessingResponse> call;
    /** Guarded by this: the response headers go out with the first reply, as grpc-java's stub sends them. */
    private boolean headersSent;
    private final Exchange exchange;
    private final ExchangeMetrics metrics;
    private final InboundMessages inbound = new InboundMessages(this::takeMore);
    private final AtomicBoolean replyRequested = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger maxHeld = new AtomicInteger();
    private volatile Flow.Subscription replies;
    private volatile long lastInboundNanos = System.nanoTime();
    /** In the idle watch: only streams with a FULL_DUPLEX_STREAMED body are, once it starts. */
    private volatile boolean watched;
    private final FullDuplexIdleWatch idleWatch;
    private final ExchangeAdmission admission;
    private final StreamBytes bytes;
    private final int maxInFlight;
    private final int maxInFlightBytes;
    // Guarded by this. Sizes of the messages taken and not yet answered, oldest first (a ring: at most max-in-flight).
    private final int[] heldSizes;
    private int sized;
    private int released;
    private long heldBytes;
    /** Asked of gRPC and not yet delivered: 0 or 1. */
    private int requested;

    private FlowControlledStream(ServerCall<ProcessingRequest, ProcessingResponse> call, Exchange exchange,
            ExchangeMetrics metrics, FullDuplexIdleWatch idleWatch, ExchangeAdmission admission, StreamBytes bytes,
            int maxInFlight, int maxInFlightBytes) {
        this.call = call;
        this.bytes = bytes;
        this.maxInFlight = maxInFlight;
        this.maxInFlightBytes = maxInFlightBytes;
        this.heldSizes = new int[maxInFlight + 1];
        this.admission = admission;
        this.exchange = exchange;
        this.metrics = metrics;
        this.idleWatch = idleWatch;
    }

    /** The call's listener; grpc-java asks for no message until the stream does ({@link #takeMore}). */
    static ServerCall.Listener<ProcessingRequest> open(ServerCall<ProcessingRequest, ProcessingResponse> call,
            Exchange exchange, int maxInFlight, int maxInFlightBytes, ExchangeMetrics metrics,
            FullDuplexIdleWatch idleWatch, ExchangeAdmission admission, StreamBytes bytes) {
        FlowControlledStream stream = new FlowControlledStream(call, exchange, metrics, idleWatch, admission, bytes,
                maxInFlight, maxInFlightBytes);
        stream.start();
        return stream;
    }

    private void start() {
        metrics.streamStarted();
        exchange.process(inbound).subscribe(new ReplyWriter());
        takeMore();
    }

    /**
     * Asks gRPC for the next message when none is asked for and not yet here, fewer than {@code max-in-flight}
     * messages are held unanswered, and the bytes held are under {@code max-in-flight-bytes} (a message larger than
     * that is still taken, alone). What is not taken stays in the stream's HTTP/2 window and then in Envoy.
     * <p>
     * Why one at a time: gRPC reads a message asked for out of the HTTP/2 window, returning its bytes to Envoy, and
     * queues it for the call's executor before Sluice learns its size, so the size of what is asked for is unknown.
     * Asking for several at once, estimated by the last message's size, let a stream whose last message was its
     * headers ask for eight body chunks of any size. Measured through Envoy with 1,000 uploads: 400 streams had 3,000
     * messages asked for, up to 150 MiB of direct buffers waited in the event loops' queues, and whole connections
     * were lost to direct memory. Asked one at a time, a stream holds at most its byte budget, one message on its way
     * and its HTTP/2 window.
     */
    private void takeMore() {
        boolean ask;
        synchronized (this) {
            releaseAnswered();
            int held = delivered.get() - exchange.answeredMessages();
            ask = !ended.get() && requested == 0 && inbound.wanted() && held < maxInFlight
                    && (heldBytes < maxInFlightBytes || held == 0);
            if (ask) {
                requested = 1;
            }
        }
        if (ask) {
            call.request(1);
        }
    }

    /** Drops the sizes of the messages answered since the last look. */
    private void releaseAnswered() {
        int answered = exchange.answeredMessages();
        while (released < answered && released < sized) {
            int size = heldSizes[released % heldSizes.length];
            heldBytes -= size;
            bytes.answered(size);
            released++;
        }
    }

    @Override
    public void onMessage(ProcessingRequest request) {
        lastInboundNanos = System.nanoTime();
        // Held: taken from gRPC, not yet answered. Measured here, independently of how demand is computed.
        maxHeld.accumulateAndGet(delivered.incrementAndGet() - exchange.answeredMessages(), Math::max);
        synchronized (this) {
            requested = Math.max(0, requested - 1);
            releaseAnswered();
            int size = request.getSerializedSize();
            heldSizes[sized % heldSizes.length] = size;
            sized++;
            heldBytes += size;
        }
        inbound.deliver(request);
        watchIfFullDuplex();
        takeMore();
    }

    /** A FULL_DUPLEX_STREAMED body has begun: from now on the idle watch looks at this stream. */
    private void watchIfFullDuplex() {
        if (!watched && exchange.midFullDuplexBody() && !ended.get()) {
            watched = true;
            idleWatch.watch(this);
            if (ended.get()) {
                idleWatch.forget(this);
            }
        }
    }

    /** Envoy half-closed: finish what is in flight, then complete with OK (graceful close waits for it). */
    @Override
    public void onHalfClose() {
        inbound.complete();
    }

    @Override
    public void onReady() {
        requestReplyIfReady();
    }

    /** Envoy reset the stream: the normal end of an exchange, with nothing to build for it. */
    @Override
    public void onCancel() {
        if (ended.compareAndSet(false, true)) {
            if (LOG.isDebugEnabled()) {
                // Guarded: the id is a string made on first use, and this runs at the end of every exchange.
                LOG.debugf("[%s] cancelled by Envoy (the normal end of an exchange)", exchange.id());
            }
            Flow.Subscription subscription = replies;
            if (subscription != null) {
                subscription.cancel();
            }
            released();
            metrics.streamEnded(ExchangeMetrics.End.CANCELLED, maxHeld.get());
            exchange.trace().end("cancelled", Status.CANCELLED);
        }
    }

    /**
     * Called by the idle watch: a FULL_DUPLEX_STREAMED body in progress, nothing from Envoy for the timeout and
     * nothing of ours left to answer, so the stall is Envoy's (or its client's), not a slow stage's.
     */
    void endIfStalled(long now, long timeoutNanos) {
        if (now - lastInboundNanos < timeoutNanos || !exchange.midFullDuplexBody()
                || delivered.get() != exchange.answeredMessages() || !ended.compareAndSet(false, true)) {
            return;
        }
        Flow.Subscription subscription = replies;
        if (subscription != null) {
            subscription.cancel();
        }
        released();
        String description = "FULL_DUPLEX_STREAMED body stalled: nothing from Envoy for "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (sluice.exchange.full-duplex-idle-timeout)";
        LOG.warnf("[%s] ending the stream with DEADLINE_EXCEEDED: %s", exchange.id(), description);
        metrics.streamEnded(ExchangeMetrics.End.PROTOCOL_ERROR, maxHeld.get());
        metrics.streamError(ExchangeMetrics.ErrorCause.IDLE_TIMEOUT);
        exchange.trace().end("idle_timeout", Status.DEADLINE_EXCEEDED.withDescription(description));
        synchronized (this) {
            call.close(Status.DEADLINE_EXCEEDED.withDescription(description), new Metadata());
        }
    }

    /** Once per stream, on whichever path ends it first (the {@code ended} flag guards each). */
    private void released() {
        if (watched) {
            idleWatch.forget(this);
        }
        admission.release();
        bytes.done();
    }

    private void requestReplyIfReady() {
        Flow.Subscription subscription = replies;
        if (subscription != null && !ended.get() && call.isReady() && replyRequested.compareAndSet(false, true)) {
            subscription.request(1);
        }
    }

    private final class ReplyWriter implements Flow.Subscriber<ProcessingResponse> {

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            replies = subscription;
            requestReplyIfReady();
        }

        @Override
        public void onNext(ProcessingResponse reply) {
            replyRequested.set(false);
            // Uncontended except when the idle watch ends the call from its own thread.
            synchronized (FlowControlledStream.this) {
                if (!ended.get()) {
                    if (!headersSent) {
                        headersSent = true;
                        call.sendHeaders(new Metadata());
                    }
                    call.sendMessage(reply);
                }
            }
            watchIfFullDuplex();
            takeMore();
            requestReplyIfReady();
        }

        @Override
        public void onError(Throwable failure) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            Status status = Status.fromThrowable(failure);
            ExchangeMetrics.End end;
            // The codes ProtocolViolation uses for Envoy's mistakes; any other came from a stage's grpc-error policy
            // (or what it threw), except UNKNOWN: an exception that is not a gRPC status is Sluice's own failure.
            ExchangeMetrics.ErrorCause cause = switch (status.getCode()) {
                case INVALID_ARGUMENT -> ExchangeMetrics.ErrorCause.MALFORMED;
                case FAILED_PRECONDITION -> ExchangeMetrics.ErrorCause.OUT_OF_ORDER;
                case RESOURCE_EXHAUSTED -> ExchangeMetrics.ErrorCause.OVER_LIMIT;
                case UNKNOWN -> ExchangeMetrics.ErrorCause.INTERNAL;
                default -> ExchangeMetrics.ErrorCause.STAGE;
            };
            switch (status.getCode()) {
                case INVALID_ARGUMENT, FAILED_PRECONDITION, RESOURCE_EXHAUSTED -> {
                    end = ExchangeMetrics.End.PROTOCOL_ERROR;
                    BAD_STREAMS.warn(status.getCode().name(), "[" + exchange.id() + "] ending the stream with "
                            + status.getCode() + ": " + status.getDescription());
                }
                case UNKNOWN -> {
                    end = ExchangeMetrics.End.ERROR;
                    LOG.errorf(failure, "[%s] ending the stream after an unexpected failure", exchange.id());
                    status = Status.INTERNAL.withDescription("Sluice failed: " + failure);
                }
                default -> {
                    end = ExchangeMetrics.End.ERROR;
                    LOG.debugf("[%s] ending the stream with %s: %s", exchange.id(), status.getCode(), status.getDescription());
                }
            }
            released();
            metrics.streamEnded(end, maxHeld.get());
            metrics.streamError(cause);
            exchange.trace().end(end.name().toLowerCase(java.util.Locale.ROOT), status);
            synchronized (FlowControlledStream.this) {
                call.close(status, new Metadata());
            }
        }

        @Override
        public void onComplete() {
            if (ended.compareAndSet(false, true)) {
                released();
                metrics.streamEnded(ExchangeMetrics.End.COMPLETED, maxHeld.get());
                exchange.trace().end("completed", Status.OK);
                synchronized (FlowControlledStream.this) {
                    call.close(Status.OK, new Metadata());
                }
            }
        }
    }
}
