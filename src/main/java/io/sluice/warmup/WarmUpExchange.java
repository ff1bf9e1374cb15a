package io.sluice.warmup;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import javax.net.ssl.SSLException;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * One warm-up exchange on the client side, as Envoy's filter runs it: the messages of a step go out as fast as gRPC
 * flow control takes them, the next step starts once each has its reply, and the stream is reset after the last
 * reply (Envoy's normal end). Each reply is timed from when its message went out.
 * <p>
 * An immediate response ends the exchange, as it ends Envoy's; so does a {@code mode_override}, because this script
 * does not follow the modes a stage asks for, and anything Sluice ends the stream with. Those still count as answered:
 * the warm-up measures how fast Sluice answers, not what.
 */
final class WarmUpExchange implements ClientResponseObserver<ProcessingRequest, ProcessingResponse> {

    /** How one exchange went. {@code slowestNanos} is the slowest reply; {@code answered} the messages answered. */
    record Outcome(int answered, long slowestNanos, Failure failure, String detail) {
    }

    enum Failure {
        /** Every message answered, or the exchange ended the way Envoy's would (immediate response, override). */
        NONE,
        /** Sluice ended the stream with a gRPC status: answered, but worth a line in the summary. */
        STREAM_ERROR,
        /** The call never reached the service: the connection failed. */
        UNREACHABLE,
        /** The TLS handshake with the gRPC port failed. */
        TLS_REFUSED,
        /** The warm-up's deadline (its cap) passed with a message unanswered. */
        TIMED_OUT
    }

    private final List<List<ProcessingRequest>> steps;
    private final long[] sentAt;
    private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    private ClientCallStreamObserver<ProcessingRequest> out;
    private int step;
    private int sent;
    private int answeredInStep;
    private int answered;
    private long slowest;
    private boolean begun;
    private boolean done;

    WarmUpExchange(List<List<ProcessingRequest>> steps) {
        this.steps = steps;
        this.sentAt = new long[steps.stream().mapToInt(List::size).max().orElse(1)];
    }

    CompletableFuture<Outcome> outcome() {
        return outcome;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ProcessingRequest> stream) {
        out = stream;
        stream.setOnReadyHandler(this::pump);
    }

    synchronized void begin() {
        begun = true;
        pump();
    }

    private synchronized void pump() {
        if (!begun || done) {
            return;
        }
        List<ProcessingRequest> messages = steps.get(step);
        while (sent < messages.size() && out.isReady()) {
            sentAt[sent] = System.nanoTime();
            out.onNext(messages.get(sent++));
        }
    }

    @Override
    public synchronized void onNext(ProcessingResponse reply) {
        long now = System.nanoTime();
        if (done) {
            return;
        }
        if (reply.hasOverrideMessageTimeout() && reply.getResponseCase() == ProcessingResponse.ResponseCase.RESPONSE_NOT_SET) {
            // Sluice extending Envoy's timer ahead of slow stages: not an answer yet.
            return;
        }
        answeredOne(now);
        ProcessingRequest asked = steps.get(step).get(answeredInStep);
        if (reply.hasImmediateResponse() || reply.hasModeOverride()) {
            end(Failure.NONE, null);
            return;
        }
        if (!answers(asked, reply)) {
            end(Failure.STREAM_ERROR, "reply to " + asked.getRequestCase() + " was " + reply.getResponseCase());
            return;
        }
        if (++answeredInStep < steps.get(step).size()) {
            return;
        }
        step++;
        sent = 0;
        answeredInStep = 0;
        if (step == steps.size()) {
            end(Failure.NONE, null);
            return;
        }
        pump();
    }

    @Override
    public synchronized void onError(Throwable t) {
        if (done) {
            return;
        }
        Status status = Status.fromThrowable(t);
        Failure failure = switch (status.getCode()) {
            case UNAVAILABLE -> refusedHandshake(t) ? Failure.TLS_REFUSED : Failure.UNREACHABLE;
            case DEADLINE_EXCEEDED -> Failure.TIMED_OUT;
            default -> Failure.STREAM_ERROR;
        };
        if (failure == Failure.STREAM_ERROR || failure == Failure.TIMED_OUT) {
            answeredOne(System.nanoTime());
        }
        done = true;
        outcome.complete(new Outcome(answered, slowest, failure, status.getCode() + (status.getDescription() == null ? ""
                : ": " + status.getDescription()) + (status.getCause() == null ? "" : " (" + root(status.getCause()) + ")")));
    }

    @Override
    public synchronized void onCompleted() {
        if (!done) {
            done = true;
            outcome.complete(new Outcome(answered, slowest, steps.size() == step ? Failure.NONE : Failure.STREAM_ERROR,
                    "Sluice completed the stream before the exchange was over"));
        }
    }

    private void answeredOne(long now) {
        answered++;
        slowest = Math.max(slowest, now - sentAt[Math.min(answeredInStep, sentAt.length - 1)]);
    }

    private void end(Failure failure, String detail) {
        done = true;
        // Envoy's end of an exchange: a reset once the last reply is in.
        out.cancel("warm-up exchange over", null);
        outcome.complete(new Outcome(answered, slowest, failure, detail));
    }

    private static Throwable root(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    static boolean refusedHandshake(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static boolean answers(ProcessingRequest request, ProcessingResponse reply) {
        return switch (request.getRequestCase()) {
            case REQUEST_HEADERS -> reply.hasRequestHeaders();
            case RESPONSE_HEADERS -> reply.hasResponseHeaders();
            case REQUEST_BODY -> reply.hasRequestBody();
            case RESPONSE_BODY -> reply.hasResponseBody();
            case REQUEST_TRAILERS -> reply.hasRequestTrailers();
            case RESPONSE_TRAILERS -> reply.hasResponseTrailers();
            default -> false;
        };
    }
}
