package io.sluice.perf;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/** One headers-only exchange, as Envoy makes it, waited for: for probes that need one reply at a time. */
final class SingleExchange implements ClientResponseObserver<ProcessingRequest, ProcessingResponse> {

    private static final ProcessingRequest REQUEST = ExtProcWorkload.HEADERS_ONLY.steps().get(0).get(0);
    private static final ProcessingRequest RESPONSE = ExtProcWorkload.HEADERS_ONLY.steps().get(1).get(0);

    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private final long start = System.nanoTime();
    private ClientCallStreamObserver<ProcessingRequest> out;
    private int replies;

    private SingleExchange() {
    }

    /** Nanoseconds from the request headers to the reply to the response headers; throws on any failure. */
    static long run(Channel channel, Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
        SingleExchange exchange = new SingleExchange();
        ExternalProcessorGrpc.newStub(channel).process(exchange);
        exchange.out.onNext(REQUEST);
        try {
            return exchange.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            exchange.out.cancel("probe over", null);
        }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ProcessingRequest> stream) {
        out = stream;
    }

    @Override
    public void onNext(ProcessingResponse reply) {
        if (++replies == 1) {
            if (!reply.hasRequestHeaders()) {
                done.completeExceptionally(new IllegalStateException("reply to request headers was " + reply.getResponseCase()));
                return;
            }
            out.onNext(RESPONSE);
        } else if (reply.hasResponseHeaders()) {
            done.complete(System.nanoTime() - start);
        } else {
            done.completeExceptionally(new IllegalStateException("reply to response headers was " + reply.getResponseCase()));
        }
    }

    @Override
    public void onError(Throwable t) {
        done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        done.completeExceptionally(new IllegalStateException("stream closed before the exchange was over"));
    }
}
