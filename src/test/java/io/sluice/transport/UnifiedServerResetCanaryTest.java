package io.sluice.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.sluice.stagetest.EnvoyMessages;
import io.sluice.testing.RawHttp2;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServiceBridge;

/**
 * Canary for quarkus#56268, the reason Sluice runs {@code quarkus.grpc.server.use-separate-server=true}. Envoy resets
 * an ext_proc stream with {@code RST_STREAM(NO_ERROR)}; Quarkus' unified server (vertx-grpc's {@link GrpcServer} with
 * the grpc-java services bound by {@link GrpcServiceBridge}, as {@code GrpcServerRecorder} builds it when the separate
 * server is off) maps that code to INTERNAL and calls {@code onCancel} only for CANCELLED, so the handler carries on,
 * and its late reply and end of call on the dead stream make the server answer GOAWAY PROTOCOL_ERROR ("Request stream
 * 1 is not correct for server connection"): every other exchange on the connection fails with it. (The same late end
 * after a CANCEL does the same where the handler asks {@code isCancelled()}: vertx-grpc 4.5.24's bridge answers false
 * whatever happened, so only {@code onCancel} tells.)
 * When {@link #aNoErrorResetStillTearsDownTheUnifiedServersConnection} fails, the vertx-grpc on the class path has the
 * fix: try the unified server (README, "How a message travels").
 */
class UnifiedServerResetCanaryTest {

    /** Longer than the client needs to send the reset, so that the reply is always late. */
    private static final long REPLY_DELAY_MS = 300;
    private static final long NO_ERROR = 0;
    private static final long CANCEL = 8;

    private static final ScheduledExecutorService REPLIES = Executors.newSingleThreadScheduledExecutor();
    private static final LateReplies SERVICE = new LateReplies();
    private static Vertx vertx;
    private static HttpServer unified;
    private static Server separate;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        GrpcServer grpc = GrpcServer.server(vertx);
        GrpcServiceBridge.bridge(ExternalProcessorGrpc.bindService(SERVICE)).bind(grpc);
        unified = vertx.createHttpServer().requestHandler(grpc).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        separate = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(ExternalProcessorGrpc.bindService(SERVICE)).build().start();
    }

    @AfterAll
    static void stop() throws Exception {
        separate.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        REPLIES.shutdownNow();
    }

    @Test
    void aNoErrorResetStillTearsDownTheUnifiedServersConnection() throws Exception {
        Outcome outcome = resetOneStreamThenUseAnother(unified.actualPort(), NO_ERROR);
        assertThat(outcome.otherStreamAnswered())
                .as("quarkus#56268 looks fixed: after RST_STREAM(NO_ERROR) on one stream the unified server still "
                        + "answered another stream of the connection (%s); try use-separate-server=false", outcome)
                .isFalse();
        assertThat(outcome.cancelled()).as("the reset stream's handler was told (onCancel)").isFalse();
        assertThat(outcome.ending()).as("how the connection failed").startsWith("GOAWAY 1 ");
    }

    /** Proves the probe itself: a reset the unified server maps to CANCELLED leaves the connection alone. */
    @Test
    void aCancelResetLeavesTheUnifiedServersConnectionAlone() throws Exception {
        Outcome outcome = resetOneStreamThenUseAnother(unified.actualPort(), CANCEL);
        assertThat(outcome.otherStreamAnswered()).as("%s", outcome).isTrue();
        assertThat(outcome.cancelled()).as("onCancel").isTrue();
    }

    /** What Sluice relies on: grpc-java's own server cancels the call whatever the code and keeps the connection. */
    @Test
    void aNoErrorResetLeavesTheSeparateServersConnectionAlone() throws Exception {
        Outcome outcome = resetOneStreamThenUseAnother(separate.getPort(), NO_ERROR);
        assertThat(outcome.otherStreamAnswered()).as("%s", outcome).isTrue();
        assertThat(outcome.cancelled()).as("onCancel").isTrue();
    }

    /**
     * Stream 1 sends request headers and, once its handler has them, is reset with {@code code} before its (late) reply;
     * stream 3, opened before the reset, then sends its own and waits for an answer.
     */
    private static Outcome resetOneStreamThenUseAnother(int port, long code) throws Exception {
        FirstCall first = SERVICE.watchFirstCall();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            RawHttp2 h2 = new RawHttp2();
            byte[] headers = EnvoyMessages.requestHeaders(true).toByteArray();
            out.write(RawHttp2.start());
            out.write(h2.processHeaders(1));
            out.write(RawHttp2.grpcData(1, headers, false));
            out.write(h2.processHeaders(3));
            out.flush();
            assertThat(first.received().await(5, TimeUnit.SECONDS)).as("stream 1's message reached its handler").isTrue();
            out.write(RawHttp2.frame(RawHttp2.RST_STREAM, 0, 1, new byte[] { 0, 0, 0, (byte) code }));
            out.flush();
            // Told before its reply is due, or not at all (a torn-down connection cancels it later).
            boolean toldInTime = first.cancelled().await(REPLY_DELAY_MS / 2, TimeUnit.MILLISECONDS);
            // The reply to stream 1 is written to the reset stream meanwhile.
            Thread.sleep(2 * REPLY_DELAY_MS);
            out.write(RawHttp2.grpcData(3, headers, true));
            out.flush();
            String ending = awaitReply(h2, in, out, 3);
            return new Outcome(ending == null, ending, toldInTime);
        }
    }

    /** Null once {@code stream} got a reply message; otherwise how the wait for it ended. */
    private static String awaitReply(RawHttp2 h2, DataInputStream in, OutputStream out, int stream) throws IOException {
        while (true) {
            RawHttp2.Frame frame;
            try {
                frame = h2.next(in, out);
            } catch (EOFException | SocketException e) {
                return "connection closed (" + e + ")";
            } catch (SocketTimeoutException e) {
                return "no reply within 5 s";
            }
            if (frame.type() == RawHttp2.GOAWAY) {
                return "GOAWAY " + frame.goawayCode() + " " + frame.goawayDebug();
            }
            if (frame.stream() != stream) {
                continue;
            }
            if (frame.type() == RawHttp2.DATA && frame.payload().length > 5) {
                return null;
            }
            if (frame.type() == RawHttp2.RST_STREAM || (frame.flags() & RawHttp2.END_STREAM) != 0) {
                return "stream " + stream + " ended without a reply: " + frame;
            }
        }
    }

    record Outcome(boolean otherStreamAnswered, String ending, boolean cancelled) {
    }

    record FirstCall(CountDownLatch received, CountDownLatch cancelled) {
    }

    /**
     * Answers each message after {@link #REPLY_DELAY_MS}, as a stage that takes its time would, and then ends the call,
     * unless it has been told that the call was cancelled.
     */
    static final class LateReplies implements ExternalProcessorGrpc.AsyncService {

        /** Taken by the first call that sends a message (stream 1; stream 3 sends its own later). */
        private final AtomicReference<FirstCall> firstCall = new AtomicReference<>();

        FirstCall watchFirstCall() {
            FirstCall call = new FirstCall(new CountDownLatch(1), new CountDownLatch(1));
            firstCall.set(call);
            return call;
        }

        @Override
        public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> replies) {
            AtomicReference<FirstCall> mine = new AtomicReference<>();
            ServerCallStreamObserver<ProcessingResponse> observer = (ServerCallStreamObserver<ProcessingResponse>) replies;
            // Tracked here: vertx-grpc 4.5.24's bridge answers isCancelled() false whatever happened.
            AtomicBoolean cancelled = new AtomicBoolean();
            observer.setOnCancelHandler(() -> {
                cancelled.set(true);
                FirstCall call = mine.get();
                if (call != null) {
                    call.cancelled().countDown();
                }
            });
            return new StreamObserver<>() {
                @Override
                public void onNext(ProcessingRequest request) {
                    FirstCall call = firstCall.getAndSet(null);
                    if (call != null && mine.compareAndSet(null, call)) {
                        call.received().countDown();
                    }
                    REPLIES.schedule(() -> {
                        // As Sluice's exchange does: a call known to be cancelled gets no reply.
                        if (cancelled.get()) {
                            return;
                        }
                        try {
                            replies.onNext(ProcessingResponse.newBuilder()
                                    .setRequestHeaders(HeadersResponse.newBuilder().setResponse(CommonResponse.getDefaultInstance()))
                                    .build());
                            replies.onCompleted();
                        } catch (RuntimeException cancelledMeanwhile) {
                            // grpc-java refuses writes to a call cancelled since the check above.
                        }
                    }, REPLY_DELAY_MS, TimeUnit.MILLISECONDS);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                }
            };
        }
    }
}
