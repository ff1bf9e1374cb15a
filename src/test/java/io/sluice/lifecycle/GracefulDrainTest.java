package io.sluice.lifecycle;

import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.responseHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.sluice.testing.ExtProcClient;

/**
 * The drain on a real grpc-java Netty server over loopback HTTP/2, as Envoy meets it: once draining, a new stream is
 * refused while a stream already open keeps being answered until it ends; a stream that never ends is cancelled when
 * the timeout passes.
 */
class GracefulDrainTest {

    Server server;
    ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forPort(0).addService(ExternalProcessorGrpc.bindService(new Answering())).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void newStreamsAreRefusedWhileTheStreamInFlightCompletes() throws Exception {
        ExtProcClient inFlight = ExtProcClient.open(channel);
        assertThat(inFlight.send(requestHeaders()).next().hasRequestHeaders()).isTrue();

        CompletableFuture<GracefulDrain.Result> drain = CompletableFuture.supplyAsync(() -> drain(Duration.ofSeconds(10)));
        awaitGoAway();

        ExtProcClient refused = ExtProcClient.open(channel);
        refused.send(requestHeaders());
        assertThat(refused.awaitClose().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

        Thread.sleep(300);
        assertThat(drain).as("the drain waits for the stream in flight").isNotDone();
        assertThat(inFlight.send(responseHeaders()).next().hasResponseHeaders()).isTrue();
        inFlight.halfClose();
        assertThat(inFlight.awaitClose().getCode()).isEqualTo(Status.Code.OK);

        GracefulDrain.Result result = drain.get(5, TimeUnit.SECONDS);
        assertThat(result.clean()).isTrue();
        assertThat(result.millis()).isLessThan(10_000);
        assertThat(server.isTerminated()).isTrue();
    }

    @Test
    void aStreamThatOutlivesTheTimeoutIsCancelled() throws Exception {
        ExtProcClient stuck = ExtProcClient.open(channel);
        assertThat(stuck.send(requestHeaders()).next().hasRequestHeaders()).isTrue();

        GracefulDrain.Result result = drain(Duration.ofMillis(500));

        assertThat(result.clean()).isFalse();
        assertThat(result.millis()).isBetween(500L, 3_000L);
        assertThat(stuck.awaitClose().getCode()).isNotEqualTo(Status.Code.OK);
        assertThat(server.isTerminated()).isTrue();
    }

    private GracefulDrain.Result drain(Duration timeout) {
        try {
            return GracefulDrain.drain(List.of(server), timeout);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Until the client has the GOAWAY: its connection then leaves READY. A stream sent before that crosses the GOAWAY
     * on the wire and is served (grpc-java's two-GOAWAY dance exists for exactly that), so it proves nothing here.
     */
    private void awaitGoAway() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (channel.getState(false) == ConnectivityState.READY && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.isShutdown()).isTrue();
        assertThat(channel.getState(false)).isNotEqualTo(ConnectivityState.READY);
    }

    /** Answers every message with the matching empty reply and completes when the client half-closes. */
    static final class Answering implements ExternalProcessorGrpc.AsyncService {
        @Override
        public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responses) {
            return new StreamObserver<>() {
                @Override
                public void onNext(ProcessingRequest request) {
                    ProcessingResponse.Builder reply = ProcessingResponse.newBuilder();
                    if (request.hasRequestHeaders()) {
                        reply.setRequestHeaders(HeadersResponse.getDefaultInstance());
                    } else {
                        reply.setResponseHeaders(HeadersResponse.getDefaultInstance());
                    }
                    responses.onNext(reply.build());
                }

                @Override
                public void onError(Throwable t) {
                    // cancelled: nothing to clean up
                }

                @Override
                public void onCompleted() {
                    responses.onCompleted();
                }
            };
        }
    }
}
