package io.sluice.testing;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.sluice.stagetest.EnvoyMessages;

/**
 * HTTP/2 frames written by hand, for clients that misbehave on purpose (a rapid reset, say), which no well-behaved
 * HTTP/2 library would let a test write.
 */
public final class RawHttp2 {

    public static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    public static final String PROCESS = "envoy.service.ext_proc.v3.ExternalProcessor/Process";
    public static final int DATA = 0;
    public static final int HEADERS = 1;
    public static final int RST_STREAM = 3;
    public static final int SETTINGS = 4;
    public static final int PING = 6;
    public static final int GOAWAY = 7;
    public static final int END_STREAM = 0x1;
    public static final int ACK = 0x1;
    private static final int PADDED = 0x8;
    private static final int PRIORITY = 0x20;

    private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);

    /** A frame as read; {@code headers} decoded for HEADERS (one decoder per connection keeps HPACK's state), else null. */
    public record Frame(int type, int flags, int stream, byte[] payload, Http2Headers headers) {

        /** GOAWAY's error code. */
        public long goawayCode() {
            return ByteBuffer.wrap(payload, 4, 4).getInt() & 0xFFFFFFFFL;
        }

        @Override
        public String toString() {
            return "frame type " + type + " flags " + flags + " stream " + stream + " length " + payload.length;
        }

        /** GOAWAY's debug data, as text. */
        public String goawayDebug() {
            return new String(payload, 8, payload.length - 8, StandardCharsets.US_ASCII);
        }
    }

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
        return processHeaders(stream, java.util.Map.of());
    }

    /** The same, with {@code extra} metadata. */
    public byte[] processHeaders(int stream, java.util.Map<String, String> extra) {
        DefaultHttp2Headers headers = new DefaultHttp2Headers();
        headers.method("POST").scheme("http").path("/" + PROCESS).authority("sluice");
        headers.add("content-type", "application/grpc").add("te", "trailers");
        extra.forEach(headers::add);
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

    /** A PING (not an ACK). */
    public static byte[] ping(long data) {
        return frame(PING, 0, 0, ByteBuffer.allocate(8).putLong(data).array());
    }

    /** {@code message} as one length-prefixed gRPC message in a DATA frame. */
    public static byte[] grpcData(int stream, byte[] message, boolean endStream) {
        byte[] payload = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
        return frame(DATA, endStream ? END_STREAM : 0, stream, payload);
    }

    /**
     * Reads the next frame, answering SETTINGS and PINGs as a client must (grpc-java waits for the ACK of its
     * graceful-shutdown PING before it closes an idle connection).
     */
    public Frame next(InputStream input, java.io.OutputStream output) throws IOException {
        Frame frame = read(input instanceof DataInputStream d ? d : new DataInputStream(input));
        if (frame.type() == HEADERS) {
            try {
                return new Frame(HEADERS, frame.flags(), frame.stream(), frame.payload(),
                        decoder.decodeHeaders(frame.stream(), headerBlock(frame)));
            } catch (Http2Exception e) {
                throw new IOException(e);
            }
        }
        if ((frame.type() == PING || frame.type() == SETTINGS) && (frame.flags() & ACK) == 0) {
            try {
                output.write(frame(frame.type(), ACK, 0, frame.type() == PING ? frame.payload() : new byte[0]));
                output.flush();
            } catch (java.net.SocketException closed) {
                // The peer closed already (a Unix socket refuses the write at once): what it sent is still to be read.
            }
        }
        return frame;
    }

    /**
     * Every frame until the peer closes the connection, PINGs answered; a connection that stays open throws
     * {@link java.net.SocketTimeoutException} after its read timeout.
     */
    public java.util.List<Frame> untilClosed(InputStream in, java.io.OutputStream out) throws IOException {
        DataInputStream data = new DataInputStream(in);
        java.util.List<Frame> frames = new java.util.ArrayList<>();
        try {
            while (true) {
                frames.add(next(data, out));
            }
        } catch (EOFException | java.net.SocketException e) {
            return frames;
        }
    }

    /**
     * Starts a connection and sends five PINGs at once, more than keepalive enforcement allows (grpc-java lets two
     * early ones pass), then reads until the peer closes: every frame it sent.
     */
    public java.util.List<Frame> pingFlood(InputStream in, java.io.OutputStream out) throws IOException {
        out.write(start());
        for (int i = 0; i < 5; i++) {
            out.write(ping(i));
        }
        out.flush();
        return untilClosed(in, out);
    }

    /** The first GOAWAY of {@code frames}, or null. */
    public static Frame goaway(java.util.List<Frame> frames) {
        return frames.stream().filter(f -> f.type() == GOAWAY).findFirst().orElse(null);
    }

    /** A HEADERS frame's block, without the padding and priority fields that some servers (Vert.x) send. */
    private static io.netty.buffer.ByteBuf headerBlock(Frame frame) {
        byte[] payload = frame.payload();
        int start = 0;
        int end = payload.length;
        if ((frame.flags() & PADDED) != 0) {
            start = 1;
            end -= payload[0] & 0xFF;
        }
        if ((frame.flags() & PRIORITY) != 0) {
            start += 5;
        }
        return Unpooled.wrappedBuffer(payload, start, end - start);
    }

    /** One frame, headers left encoded. */
    private static Frame read(DataInputStream in) throws IOException {
        int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7FFFFFFF;
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(type, flags, stream, payload, null);
    }

    /**
     * One headers-only ext_proc exchange on {@code stream} of a started connection, read frame by frame: the call, the
     * request-headers message with END_STREAM (Envoy's half-close), and Sluice's reply. Fails if the connection ends
     * first or the stream ends without a reply.
     */
    public ProcessingResponse exchange(InputStream in, java.io.OutputStream out, int stream) throws IOException {
        out.write(processHeaders(stream));
        out.write(grpcData(stream, EnvoyMessages.requestHeaders(true).toByteArray(), true));
        out.flush();
        while (true) {
            Frame frame;
            try {
                frame = next(in, out);
            } catch (EOFException | java.net.SocketException e) {
                throw new AssertionError("the connection closed before stream " + stream + " was answered", e);
            }
            if (frame.type() == GOAWAY) {
                throw new AssertionError("GOAWAY " + frame.goawayCode() + " before stream " + stream + " was answered");
            }
            if (frame.stream() != stream) {
                continue;
            }
            if (frame.type() == DATA && frame.payload().length > 5) {
                return ProcessingResponse.parseFrom(java.util.Arrays.copyOfRange(frame.payload(), 5, frame.payload().length));
            }
            if (frame.type() == RST_STREAM || (frame.flags() & END_STREAM) != 0) {
                throw new AssertionError("stream " + stream + " ended without a reply: " + frame);
            }
        }
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
    public record Attack(int sent, long goawayCode, String goawayDebug) {
    }

    /**
     * An HTTP/2 rapid reset on {@code socket} (plain or TLS, not yet used): the preface, one call opened as Envoy's
     * would be, so that Sluice has set the connection up, then up to {@code streams} HEADERS + RST_STREAM pairs as fast
     * as the socket takes them, until the GOAWAY arrives. The GOAWAY code is -1 when the connection closed without one,
     * -2 when neither happened within 10 s; its debug data says why.
     */
    public static Attack rapidReset(java.net.Socket socket, int streams) throws IOException, InterruptedException {
        return rapidReset(socket.getInputStream(), socket.getOutputStream(), streams);
    }

    /** The same on a connection's streams (a {@link RawConnection}, say). */
    public static Attack rapidReset(InputStream input, java.io.OutputStream output, int streams)
            throws IOException, InterruptedException {
        java.io.OutputStream out = new java.io.BufferedOutputStream(output, 64 * 1024);
        RawHttp2 frames = new RawHttp2();
        java.util.concurrent.CompletableFuture<Frame> goaway = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> awaitGoawayFrame(input));
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
            Frame frame = goaway.get(10, java.util.concurrent.TimeUnit.SECONDS);
            return frame == null ? new Attack(sent, -1, "") : new Attack(sent, frame.goawayCode(), frame.goawayDebug());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new Attack(sent, -2, "");
        }
    }

    /** Reads frames until GOAWAY and returns it, or null when the connection closes without one. */
    private static Frame awaitGoawayFrame(InputStream input) {
        try {
            DataInputStream in = new DataInputStream(input);
            while (true) {
                Frame frame = read(in);
                if (frame.type() == GOAWAY) {
                    return frame;
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            return null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
