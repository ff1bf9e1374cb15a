package io.sluice.transport;


import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameWriter;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * A connection's inbound flow control with the {@link MessageBudget} in it: grpc-java's own controller, except that the
 * window a stream's bytes took is given back only while its message has room in the budget.
 * <p>
 * grpc-java gives window back as it reads a message, before the message is whole, so that one larger than the window
 * can arrive at all. That is right for one stream and unbounded for many: each may be reading a message as large as
 * Envoy chooses. Here the bytes gRPC reads are matched to messages by following gRPC's length prefixes as the DATA
 * frames arrive; as gRPC begins a message, its whole size is reserved, and if it does not fit, the window is kept
 * until it does. A stream waiting for room holds at most its window; the connection's window is untouched (grpc-java
 * refills it on receipt), so other streams go on.
 * <p>
 * Runs on the connection's event loop, as Netty calls it; {@link #resume} hops there.
 */
final class HeldBytesFlowController implements Http2LocalFlowController {

    private static final Logger LOG = Logger.getLogger(HeldBytesFlowController.class);

    private final Http2LocalFlowController delegate;
    private final MessageBudget budget;
    private final Http2Connection connection;
    private final ChannelHandlerContext ctx;
    /**
     * Each stream's account, a property of the stream opened since Sluice set the connection up: an array index
     * rather than a boxed key and a hash lookup, twice per DATA frame. Only the event loop touches it.
     */
    private final Http2Connection.PropertyKey account;

    private HeldBytesFlowController(Http2LocalFlowController delegate, MessageBudget budget, Http2Connection connection,
            ChannelHandlerContext ctx) {
        this.delegate = delegate;
        this.budget = budget;
        this.connection = connection;
        this.ctx = ctx;
        this.account = connection.newKey();
    }

    /** Puts the budget into the connection's flow control, once; call on its event loop. */
    static HeldBytesFlowController install(Http2Connection connection, ChannelHandlerContext ctx, MessageBudget budget) {
        Http2LocalFlowController current = connection.local().flowController();
        if (current instanceof HeldBytesFlowController installed) {
            return installed;
        }
        HeldBytesFlowController controller = new HeldBytesFlowController(current, budget, connection, ctx);
        // Streams already open keep grpc-java's accounting: their framing was not followed from the start.
        connection.local().flowController(controller);
        connection.addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamAdded(Http2Stream stream) {
                StreamBytes bytes = new StreamBytes(stream.id(), budget, controller);
                stream.setProperty(controller.account, bytes);
            }

            @Override
            public void onStreamClosed(Http2Stream stream) {
                StreamBytes bytes = stream.removeProperty(controller.account);
                if (bytes != null) {
                    bytes.closed();
                }
            }
        });
        return controller;
    }

    /**
     * The stream's account, for the exchange to give back what it answers; {@link StreamBytes#NONE} if not kept. On
     * the connection's event loop, as the call starts there.
     */
    StreamBytes stream(int id) {
        Http2Stream stream = connection.stream(id);
        StreamBytes bytes = stream == null ? null : stream.getProperty(account);
        return bytes != null && bytes.attach() ? bytes : StreamBytes.NONE;
    }

    @Override
    public void receiveFlowControlledFrame(Http2Stream stream, ByteBuf data, int padding, boolean endOfStream)
            throws Http2Exception {
        delegate.receiveFlowControlledFrame(stream, data, padding, endOfStream);
        StreamBytes bytes = stream == null ? null : stream.getProperty(account);
        if (bytes != null) {
            bytes.arrived(data, padding);
            if (bytes.unreturned > 0) {
                // gRPC read part of a prefix before: now that more of it is here, its message may go on.
                int give = advance(bytes);
                if (give > 0) {
                    delegate.consumeBytes(stream, give);
                }
            }
        }
    }

    @Override
    public boolean consumeBytes(Http2Stream stream, int numBytes) throws Http2Exception {
        StreamBytes bytes = stream == null || numBytes <= 0 ? null : stream.getProperty(account);
        if (bytes == null) {
            return delegate.consumeBytes(stream, numBytes);
        }
        int padding = Math.min(numBytes, bytes.padding);
        bytes.padding -= padding;
        bytes.unreturned += numBytes - padding;
        int give = padding + advance(bytes);
        return give > 0 && delegate.consumeBytes(stream, give);
    }

    /** Matches what gRPC has read to messages with room in the budget; returns the bytes whose window may go back. */
    private int advance(StreamBytes bytes) {
        int give = 0;
        while (bytes.unreturned > 0) {
            if (bytes.readingLeft == 0) {
                // A prefix split across frames: what gRPC read of it waits (a few bytes) until the rest arrives.
                if (bytes.nextArrived() < 0 || !bytes.reserveNext()) {
                    break;
                }
            }
            int step = (int) Math.min(bytes.unreturned, bytes.readingLeft);
            bytes.unreturned -= step;
            bytes.read(step);
            give += step;
        }
        return give;
    }

    /** There may be room for the stream's message now: give its window back on the connection's event loop. */
    void resume(StreamBytes bytes) {
        ctx.executor().execute(() -> {
            bytes.woken();
            Http2Stream stream = connection.stream(bytes.id);
            if (stream == null || stream.getProperty(account) != bytes) {
                return;
            }
            int give = advance(bytes);
            if (give > 0) {
                try {
                    delegate.consumeBytes(stream, give);
                    ctx.flush();
                } catch (Http2Exception | RuntimeException e) {
                    LOG.debugf("cannot give back the window of stream %d: %s", bytes.id, e);
                }
            }
        });
    }

    @Override
    public Http2LocalFlowController frameWriter(Http2FrameWriter frameWriter) {
        delegate.frameWriter(frameWriter);
        return this;
    }

    @Override
    public int unconsumedBytes(Http2Stream stream) {
        return delegate.unconsumedBytes(stream);
    }

    @Override
    public int initialWindowSize(Http2Stream stream) {
        return delegate.initialWindowSize(stream);
    }

    @Override
    public void channelHandlerContext(ChannelHandlerContext ctx) throws Http2Exception {
        delegate.channelHandlerContext(ctx);
    }

    @Override
    public void initialWindowSize(int newWindowSize) throws Http2Exception {
        delegate.initialWindowSize(newWindowSize);
    }

    @Override
    public int initialWindowSize() {
        return delegate.initialWindowSize();
    }

    @Override
    public int windowSize(Http2Stream stream) {
        return delegate.windowSize(stream);
    }

    @Override
    public void incrementWindowSize(Http2Stream stream, int delta) throws Http2Exception {
        delegate.incrementWindowSize(stream, delta);
    }
}
