package io.sluice.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
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
 */
final class EarlyResetGuard extends Http2FrameListenerDecorator {

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final Http2Connection connection;
    private final int limit;
    private final TransportNoise noise;
    private long windowStart = System.nanoTime();
    private int early;

    private EarlyResetGuard(Http2FrameListener listener, Http2Connection connection, int limit, TransportNoise noise) {
        super(listener);
        this.connection = connection;
        this.limit = limit;
        this.noise = noise;
    }

    /** Wraps the decoder's listener, once; call on the connection's event loop, between frames. */
    static void install(Http2ConnectionDecoder decoder, int limit, TransportNoise noise) {
        Http2FrameListener current = decoder.frameListener();
        if (current != null && !(current instanceof EarlyResetGuard)) {
            decoder.frameListener(new EarlyResetGuard(current, decoder.connection(), limit, noise));
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
            if (++early > limit) {
                noise.count(TransportNoise.Cause.RAPID_RESET, ctx.channel().remoteAddress(),
                        "more than " + limit + " streams a second reset before Sluice answered them ("
                                + TransportConfig.MAX_EARLY_RESETS_PER_SECOND + "): GOAWAY ENHANCE_YOUR_CALM");
                throw Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM,
                        "too many streams reset before they were answered (%s=%d)",
                        TransportConfig.MAX_EARLY_RESETS_PER_SECOND, limit);
            }
        }
        listener.onRstStreamRead(ctx, streamId, errorCode);
    }
}
