package io.sluice.testing;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;

/**
 * HTTP/2 frames written by hand, for clients that misbehave on purpose (a rapid reset, say), which no well-behaved
 * HTTP/2 library would let a test write.
 */
public final class RawHttp2 {

    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    public static final String PROCESS = "envoy.service.ext_proc.v3.ExternalProcessor/Process";
    public static final int HEADERS = 1;
    public static final int RST_STREAM = 3;
    public static final int SETTINGS = 4;
    public static final int GOAWAY = 7;

    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();

    /** The connection's start: preface and an empty SETTINGS. */
    public static byte[] start() {
        byte[] settings = frame(SETTINGS, 0, 0, new byte[0]);
        byte[] out = new byte[PREFACE.length + settings.length];
        System.arraycopy(PREFACE, 0, out, 0, PREFACE.length);
        System.arraycopy(settings, 0, out, PREFACE.length, settings.length);
        return out;
    }

    /** HEADERS opening an ext_proc call on {@code stream} (END_HEADERS, not END_STREAM); one encoder per connection. */
    public byte[] processHeaders(int stream) {
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.method("POST").scheme("http").path("/" + PROCESS).authority("sluice");
        headers.add("content-type", "application/grpc").add("te", "trailers");
        ByteBuf block = Unpooled.buffer();
        try {
            encoder.encodeHeaders(stream, headers, block);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        }
        byte[] payload = new byte[block.readableBytes()];
        block.readBytes(payload);
        return frame(HEADERS, 0x4, stream, payload);
    }

    /** RST_STREAM with CANCEL, as Envoy (or an attacker) sends it. */
    public static byte[] cancel(int stream) {
        return frame(RST_STREAM, 0, stream, new byte[] { 0, 0, 0, 8 });
    }

    public static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] frame = new byte[9 + payload.length];
        frame[0] = (byte) (payload.length >>> 16);
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) payload.length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        frame[5] = (byte) (stream >>> 24);
        frame[6] = (byte) (stream >>> 16);
        frame[7] = (byte) (stream >>> 8);
        frame[8] = (byte) stream;
        System.arraycopy(payload, 0, frame, 9, payload.length);
        return frame;
    }

    /** What a rapid reset got: the streams written before Sluice closed the connection, and its GOAWAY's code. */
    public record Attack(int sent, long goawayCode) {
    }

    /**
     * An HTTP/2 rapid reset on {@code socket} (plain or TLS, not yet used): the preface, one call opened as Envoy's
     * would be, so that Sluice has set the connection up, then up to {@code streams} HEADERS + RST_STREAM pairs as fast
     * as the socket takes them, until the GOAWAY arrives. The GOAWAY code is -1 when the connection closed without one,
     * -2 when neither happened within 10 s.
     */
    public static Attack rapidReset(java.net.Socket socket, int streams) throws IOException, InterruptedException {
        java.io.OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        RawHttp2 frames = new RawHttp2();
        java.util.concurrent.CompletableFuture<Long> goaway = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return awaitGoaway(socket.getInputStream());
            } catch (IOException e) {
                return -1L;
            }
        });
        out.write(start());
        out.write(frames.processHeaders(1));
        out.flush();
        // Time for that call to start on a busy machine: Sluice sets the connection up on it.
        Thread.sleep(300);
        int sent = 0;
        try {
            for (int i = 0; i < streams && !goaway.isDone(); i++) {
                int id = 3 + 2 * i;
                out.write(frames.processHeaders(id));
                out.write(cancel(id));
                sent++;
            }
            out.flush();
        } catch (IOException e) {
            // Closed by Sluice mid-attack: what the GOAWAY says is the result.
        }
        try {
            return new Attack(sent, goaway.get(10, java.util.concurrent.TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new Attack(sent, -2);
        }
    }

    /** Reads frames until GOAWAY and returns its error code, or -1 when the connection closes without one. */
    public static long awaitGoaway(InputStream input) {
        try {
            DataInputStream in = new DataInputStream(input);
            while (true) {
                int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                in.readUnsignedByte();
                in.readInt();
                byte[] payload = new byte[length];
                in.readFully(payload);
                if (type == GOAWAY) {
                    DataInputStream goaway = new DataInputStream(new ByteArrayInputStream(payload));
                    goaway.readInt();
                    return goaway.readInt() & 0xFFFFFFFFL;
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            return -1;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
