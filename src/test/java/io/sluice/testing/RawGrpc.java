package io.sluice.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Bytes on the ext_proc method that no ProcessingRequest encoder would write (truncated, invalid UTF-8), and the
 * socket helpers of the hostile-input tests.
 */
public final class RawGrpc {

    private static final MethodDescriptor<byte[], byte[]> PROCESS = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.BIDI_STREAMING).setFullMethodName(RawHttp2.PROCESS)
            .setRequestMarshaller(new Bytes()).setResponseMarshaller(new Bytes()).build();

    private RawGrpc() {
    }

    /** Sends {@code message} as the stream's only message and returns the status the stream is closed with. */
    public static Status sendRaw(Channel channel, byte[] message) throws Exception {
        CompletableFuture<Status> closed = new CompletableFuture<>();
        ClientCall<byte[], byte[]> call = channel.newCall(PROCESS, CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        call.request(1);
        call.sendMessage(message);
        return closed.get(5, TimeUnit.SECONDS);
    }

    /** A bad input, as a test writes it. */
    public interface Case {
        void run() throws Exception;
    }

    /** Runs {@code bad} and checks that {@code counter} (a {@code sluice_transport_errors_total} sample) grew by one. */
    public static void countedOnce(java.util.concurrent.Callable<Double> counter, Case bad) throws Exception {
        double before = counter.call();
        bad.run();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> counter.call() == before + 1);
    }

    /** Reads until the peer closes (true) or the socket's timeout passes first (false). */
    public static boolean closedByPeer(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // Whatever Sluice answers before it closes (SETTINGS, GOAWAY, a TLS alert) is read and dropped.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private static final class Bytes implements MethodDescriptor.Marshaller<byte[]> {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
