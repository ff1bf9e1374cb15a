package io.sluice.transport;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.grpc.ServerCall;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * What Sluice sets on each connection's HTTP/2 handler, once, on its first stream: grpc-java offers a setting for
 * neither.
 * <ul>
 * <li><b>A wider connection window</b>, {@code max-concurrent-streams x stream-window}. grpc-java makes the connection
 * window equal to the stream window. It refills the connection window as bytes arrive, but only when its event loop
 * gets to them: with a stream window of tens of KiB, the whole connection could carry one window per turn of a busy
 * event loop, and every exchange on it, a new request's headers message included, waited behind the uploads
 * (measured: 7 of 11 headers-only probes beside 20 uploads got Envoy's 504, against 1 of 6 beside the bare grpc-java
 * handler and its 1 MiB windows). The stream window stays small, so a stream held back by backpressure keeps at most
 * that much waiting; the connection window is then never smaller than what its streams may have in flight together.
 * <li><b>DATA frames copied out of the read buffer</b> ({@link CopiedDataFrames}), so that a held stream's bytes cost
 * what they are and no more.
 * </ul>
 * How: the handler is reachable only through the call's internals
 * ({@code ServerCallImpl.stream -> NettyServerStream.state -> TransportState.handler}). The path is resolved once;
 * {@code ConnectionSetupTest} fails the build when a grpc-java upgrade moves it. Should it be missing at run time,
 * Sluice logs one warning and serves with grpc-java's window and buffers.
 */
@Singleton
public class ConnectionSetup {

    private static final Logger LOG = Logger.getLogger(ConnectionSetup.class);

    static final Path PATH = Path.resolve();

    private final int target;
    private final MessageBudget budget;
    private final int maxEarlyResets;
    private final TransportNoise noise;

    public ConnectionSetup(TransportSettings settings, MessageBudget budget, TransportNoise noise) {
        this.target = settings.connectionWindow();
        this.budget = budget;
        this.maxEarlyResets = settings.maxEarlyResetsPerSecond();
        this.noise = noise;
        if (PATH.failure != null) {
            LOG.warnf("HTTP/2 connection windows stay at %d bytes (%s), held DATA frames pin their read buffers and "
                    + "%s is not applied: grpc-java's internals changed (%s)",
                    settings.streamWindow(), TransportConfig.STREAM_WINDOW, OverloadConfig.MAX_HELD_BYTES, PATH.failure);
        }
    }

    /**
     * Called as the call starts, on its connection's event loop (Sluice's listeners run calls there, with no executor
     * hop): sets the connection up on its first stream, and returns the stream's account in the {@link MessageBudget},
     * or {@link StreamBytes#NONE} when it is not kept (a stream that began before the set-up, or a call off the loop).
     */
    StreamBytes onStream(ServerCall<?, ?> call) {
        if (PATH.failure != null) {
            return StreamBytes.NONE;
        }
        Http2ConnectionHandler handler;
        ChannelHandlerContext ctx;
        int id;
        try {
            Object state = PATH.transportState(call);
            if (state == null) {
                return StreamBytes.NONE;
            }
            handler = (Http2ConnectionHandler) PATH.stateHandler.get(state);
            ctx = (ChannelHandlerContext) PATH.ctx.invoke(handler);
            id = (Integer) PATH.stateId.invoke(state);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return StreamBytes.NONE;
        }
        if (ctx.executor().inEventLoop()) {
            return setUp(handler, ctx).stream(id);
        }
        ctx.executor().execute(() -> setUp(handler, ctx));
        return StreamBytes.NONE;
    }

    /** Once per connection: the budget's flow controller marks a connection already set up. */
    private HeldBytesFlowController setUp(Http2ConnectionHandler handler, ChannelHandlerContext ctx) {
        if (handler.connection().local().flowController() instanceof HeldBytesFlowController done) {
            return done;
        }
        CopiedDataFrames.install(handler.decoder());
        EarlyResetGuard.install(handler, maxEarlyResets, noise);
        widen(handler, ctx);
        return HeldBytesFlowController.install(handler.connection(), ctx, budget);
    }

    private void widen(Http2ConnectionHandler handler, ChannelHandlerContext ctx) {
        Http2Stream connection = handler.connection().connectionStream();
        Http2LocalFlowController flow = handler.decoder().flowController();
        int delta = target - flow.initialWindowSize(connection);
        if (delta <= 0) {
            return;
        }
        try {
            flow.incrementWindowSize(connection, delta);
            ctx.flush();
        } catch (Exception e) {
            LOG.debugf("cannot widen the connection window: %s", e);
        }
    }

    /** The reflective path from a call's stream observer to the Netty handler of its connection. */
    static final class Path {
        final Class<?> forwarding;
        final Method forwardedDelegate;
        final Field callStream;
        final Field streamState;
        final Field stateHandler;
        final Method stateId;
        final Method ctx;
        final String failure;

        private Path(Class<?> forwarding, Method forwardedDelegate, Field callStream,
                Field streamState, Field stateHandler, Method stateId, Method ctx, String failure) {
            this.forwarding = forwarding;
            this.forwardedDelegate = forwardedDelegate;
            this.callStream = callStream;
            this.streamState = streamState;
            this.stateHandler = stateHandler;
            this.stateId = stateId;
            this.ctx = ctx;
            this.failure = failure;
        }

        static Path resolve() {
            try {
                // Interceptors (Quarkus' metrics among them) wrap the call in forwarding calls.
                Class<?> forwarding = Class.forName("io.grpc.PartialForwardingServerCall");
                Method delegate = forwarding.getDeclaredMethod("delegate");
                delegate.setAccessible(true);
                Field callStream = accessible(Class.forName("io.grpc.internal.ServerCallImpl").getDeclaredField("stream"));
                Field streamState = accessible(Class.forName("io.grpc.netty.NettyServerStream").getDeclaredField("state"));
                Class<?> transportState = Class.forName("io.grpc.netty.NettyServerStream$TransportState");
                Field stateHandler = accessible(transportState.getDeclaredField("handler"));
                Method stateId = transportState.getMethod("id");
                Method ctx = Class.forName("io.grpc.netty.AbstractNettyHandler").getDeclaredMethod("ctx");
                ctx.setAccessible(true);
                return new Path(forwarding, delegate, callStream, streamState, stateHandler, stateId, ctx,
                        null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return new Path(null, null, null, null, null, null, null, e.toString());
            }
        }

        /** The call's NettyServerStream.TransportState; null when not on grpc-java's Netty transport (in-process, say). */
        Object transportState(ServerCall<?, ?> served) throws ReflectiveOperationException {
            Object call = served;
            while (forwarding.isInstance(call)) {
                call = forwardedDelegate.invoke(call);
            }
            if (!(call instanceof ServerCall<?, ?>) || !callStream.getDeclaringClass().isInstance(call)) {
                return null;
            }
            Object stream = callStream.get(call);
            if (!streamState.getDeclaringClass().isInstance(stream)) {
                return null;
            }
            return streamState.get(stream);
        }

        private static Field accessible(Field field) {
            field.setAccessible(true);
            return field;
        }
    }
}
