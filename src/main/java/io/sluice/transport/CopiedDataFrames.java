package io.sluice.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;

/**
 * Hands grpc-java each DATA frame's payload in a buffer of its own instead of a slice of the connection's read buffer.
 * <p>
 * Why: Netty's HTTP/2 decoder passes DATA payloads as retained slices of what it read from the socket, and grpc-java
 * keeps them until the application asks for the message. A stream held back by backpressure then pins every read
 * buffer one of its frames arrived in: up to 64 KiB each, or 128 KiB when the decoder had to merge a partial frame
 * with the next read (a merge copies whenever a slice is still held, and at Quarkus' 64 KiB pool chunks a 128 KiB
 * buffer is allocated outside the pool). With Envoy interleaving hundreds of streams on one connection, measured: 989
 * direct buffers of 128 KiB for 371 streams of 64 KiB windows, direct memory exhausted at 144 MiB and the connections
 * lost. A copy costs one memcpy of the payload and makes what a held stream keeps equal to its flow-control window.
 */
final class CopiedDataFrames extends Http2FrameListenerDecorator {

    private CopiedDataFrames(Http2FrameListener listener) {
        super(listener);
    }

    /** Wraps the decoder's listener, once; call on the connection's event loop, between frames. */
    static void install(Http2ConnectionDecoder decoder) {
        Http2FrameListener current = decoder.frameListener();
        if (current != null && !(current instanceof CopiedDataFrames)) {
            decoder.frameListener(new CopiedDataFrames(current));
        }
    }

    @Override
    public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
            throws Http2Exception {
        int length = data.readableBytes();
        if (length == 0) {
            return listener.onDataRead(ctx, streamId, data, padding, endOfStream);
        }
        ByteBuf copy = ctx.alloc().buffer(length, length);
        try {
            copy.writeBytes(data, data.readerIndex(), length);
            // The listener retains what it keeps; the slice it was given is the decoder's to release.
            return listener.onDataRead(ctx, streamId, copy, padding, endOfStream);
        } finally {
            copy.release();
        }
    }
}
