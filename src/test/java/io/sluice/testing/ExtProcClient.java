package io.sluice.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * Speaks to Sluice's gRPC server the way Envoy's ext_proc filter does, one stream per exchange, for contract
 * tests. Not a substitute for the real Envoy (see the e2e package), but it can break the protocol on purpose.
 */
public final class ExtProcClient implements AutoCloseable {

    private final ClientCallStreamObserver<ProcessingRequest> requests;
    private final LinkedBlockingQueue<ProcessingResponse> responses = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> closed = new CompletableFuture<>();
    private volatile boolean becameNotReady;

    private ExtProcClient(Channel channel) {
        CompletableFuture<ClientCallStreamObserver<ProcessingRequest>> started = new CompletableFuture<>();
        ExternalProcessorGrpc.newStub(channel).process(new ClientResponseObserver<ProcessingRequest, ProcessingResponse>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<ProcessingRequest> stream) {
                started.complete(stream);
            }

            @Override
            public void onNext(ProcessingResponse value) {
                responses.add(value);
            }

            @Override
            public void onError(Throwable t) {
                closed.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                closed.complete(Status.OK);
            }
        });
        this.requests = started.join();
    }

    public static ExtProcClient open(Channel channel) {
        return new ExtProcClient(channel);
    }

    public ExtProcClient send(ProcessingRequest request) {
        if (!requests.isReady()) {
            becameNotReady = true;
        }
        requests.onNext(request);
        return this;
    }

    public boolean isReady() {
        boolean ready = requests.isReady();
        if (!ready) {
            becameNotReady = true;
        }
        return ready;
    }

    /** True once gRPC flow control told this client to stop sending at least once. */
    public boolean sawBackpressure() {
        return becameNotReady;
    }

    public ProcessingResponse next() {
        return next(Duration.ofSeconds(5));
    }

    public ProcessingResponse next(Duration timeout) {
        try {
            ProcessingResponse r = responses.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                throw new AssertionError("no reply within " + timeout + (closed.isDone() ? "; stream closed with " + closed.join() : ""));
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Replies received so far, without waiting. */
    public List<ProcessingResponse> drain() {
        List<ProcessingResponse> out = new ArrayList<>();
        responses.drainTo(out);
        return out;
    }

    public void halfClose() {
        requests.onCompleted();
    }

    public void cancel() {
        requests.cancel("exchange ended", null);
    }

    public Status awaitClose() {
        try {
            return closed.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("stream did not close within 10 s", e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            cancel();
        }
    }
}
