package io.sluice.transport;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * HTTP/2 rapid reset: a connection that resets more than {@code sluice.transport.max-early-resets-per-second} streams
 * a second before Sluice answered them gets GOAWAY {@code ENHANCE_YOUR_CALM} and is closed.
 * <p>
 * Why early ones: Envoy ends every exchange with RST_STREAM, after Sluice's last reply, as many per second as the
 * connection carries exchanges, so a plain reset rate cannot tell Envoy from an attacker. An attacker resets a stream
 * as soon as it opens it, before any reply: each such stream costs Sluice the work of starting an exchange and gives
 * nothing back.
 * <p>
 * How: the guard writes the GOAWAY itself, naming the last stream the connection opened (RFC 9113: the streams after
 * it were not processed), and reads no more from the socket before Netty closes it. A connection error thrown from
 * here got the same close with a GOAWAY naming stream 2^31-1, and a "Transport failed" stack trace from grpc-java to
 * filter. Either way Sluice starts about {@code limit} exchanges per abusive connection before the GOAWAY (measured
 * with both: 102 per connection at the default of 100, perf part {@code abuse}).
 */
final class EarlyResetGuard extends Http2FrameListenerDecorator {

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final Http2ConnectionHandler handler;
    private final Http2Connection connection;
    private final int limit;
    private final TransportNoise noise;
    private long windowStart = System.nanoTime();
    private int early;

    private EarlyResetGuard(Http2FrameListener listener, Http2ConnectionHandler handler, int limit, TransportNoise noise) {
        super(listener);
        this.handler = handler;
        this.connection = handler.connection();
        this.limit = limit;
        this.noise = noise;
    }

    /** Wraps the decoder's listener, once; call on the connection's event loop, between frames. */
    static void install(Http2ConnectionHandler handler, int limit, TransportNoise noise) {
        Http2FrameListener current = handler.decoder().frameListener();
        if (current != null && !(current instanceof EarlyResetGuard)) {
            handler.decoder().frameListener(new EarlyResetGuard(current, handler, limit, noise));
        }
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) throws Http2Exception {
        Http2Stream stream = connection.stream(streamId);
        if (stream != null && !stream.isHeadersSent()) {
            long now = System.nanoTime();
            if (now - windowStart > WINDOW_NANOS) {
                windowStart = now;
                early = 0;
            }
            if (++early > limit && !connection.goAwaySent()) {
                closeConnection(ctx);
            }
        }
        try {
            listener.onRstStreamRead(ctx, streamId, errorCode);
        } catch (Http2Exception e) {
            if (e.error() == Http2Error.ENHANCE_YOUR_CALM) {
                noise.claim(ctx.channel()); // grpc-java's max-resets-per-second: counted from its own log record
            }
            throw e;
        }
    }

    private void closeConnection(ChannelHandlerContext ctx) {
        noise.claim(ctx.channel());
        noise.count(TransportNoise.Cause.RAPID_RESET, ctx.channel().remoteAddress(), "more than " + limit
                + " streams a second reset before Sluice answered them (" + TransportConfig.MAX_EARLY_RESETS_PER_SECOND
                + "): GOAWAY ENHANCE_YOUR_CALM");
        ctx.channel().config().setAutoRead(false);
        String reason = String.format("too many streams reset before they were answered (%s=%d)",
                TransportConfig.MAX_EARLY_RESETS_PER_SECOND, limit);
        // Netty closes the connection once an error GOAWAY is written.
        handler.goAway(ctx, connection.remote().lastStreamCreated(), Http2Error.ENHANCE_YOUR_CALM.code(),
                ByteBufUtil.writeAscii(ctx.alloc(), reason), ctx.newPromise());
        ctx.flush();
    }
}
