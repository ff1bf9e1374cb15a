package io.sluice.transport;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.grpc.ServerCall;
import io.grpc.stub.ServerCallStreamObserver;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2LocalFlowController;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * Widens each connection's HTTP/2 window to {@code max-concurrent-streams x stream-window}, once, on its first stream.
 * <p>
 * Why: grpc-java makes the connection window equal to the stream window. It refills the connection window as bytes
 * arrive, but only when its event loop gets to them: with a stream window of tens of KiB, the whole connection
 * could carry one window per turn of a busy event loop, and every exchange on it, a new request's headers message
 * included, waited behind the uploads (measured: 7 of 11 headers-only probes beside 20 uploads got Envoy's 504, against 1 of 6 beside
 * the bare grpc-java handler and its 1 MiB windows). The stream window stays small, so a stream held back by
 * backpressure keeps at most that much waiting; the connection window is then never smaller than what its streams
 * may have in flight together.
 * <p>
 * How: grpc-java offers no setting for it, and its Netty handler is reachable only through the call's internals
 * ({@code ServerCallImpl.stream -> NettyServerStream.state -> TransportState.handler}). The path is resolved once;
 * {@code ConnectionWindowTest} fails the build when a grpc-java upgrade moves it. Should it be missing at run time,
 * Sluice logs one warning and serves with grpc-java's window.
 */
@Singleton
public class ConnectionWindow {

    private static final Logger LOG = Logger.getLogger(ConnectionWindow.class);

    static final Path PATH = Path.resolve();

    private final int target;

    public ConnectionWindow(TransportSettings settings) {
        this.target = settings.connectionWindow();
        if (PATH.failure != null) {
            LOG.warnf("HTTP/2 connection windows stay at %d bytes (%s): grpc-java's internals changed (%s)",
                    settings.streamWindow(), TransportConfig.STREAM_WINDOW, PATH.failure);
        }
    }

    /** Called as the call starts; a no-op but for a connection's first stream. */
    void widen(ServerCallStreamObserver<?> observer) {
        if (PATH.failure != null) {
            return;
        }
        Http2ConnectionHandler handler;
        ChannelHandlerContext ctx;
        try {
            handler = PATH.handler(observer);
            if (handler == null) {
                return;
            }
            ctx = (ChannelHandlerContext) PATH.ctx.invoke(handler);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return;
        }
        if (ctx.executor().inEventLoop()) {
            widen(handler, ctx);
        } else {
            ctx.executor().execute(() -> widen(handler, ctx));
        }
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
        final Field observerCall;
        final Class<?> forwarding;
        final Method forwardedDelegate;
        final Field callStream;
        final Field streamState;
        final Field stateHandler;
        final Method ctx;
        final String failure;

        private Path(Field observerCall, Class<?> forwarding, Method forwardedDelegate, Field callStream,
                Field streamState, Field stateHandler, Method ctx, String failure) {
            this.observerCall = observerCall;
            this.forwarding = forwarding;
            this.forwardedDelegate = forwardedDelegate;
            this.callStream = callStream;
            this.streamState = streamState;
            this.stateHandler = stateHandler;
            this.ctx = ctx;
            this.failure = failure;
        }

        static Path resolve() {
            try {
                Field observerCall = accessible(Class.forName("io.grpc.stub.ServerCalls$ServerCallStreamObserverImpl")
                        .getDeclaredField("call"));
                // Interceptors (Quarkus' metrics among them) wrap the call in forwarding calls.
                Class<?> forwarding = Class.forName("io.grpc.PartialForwardingServerCall");
                Method delegate = forwarding.getDeclaredMethod("delegate");
                delegate.setAccessible(true);
                Field callStream = accessible(Class.forName("io.grpc.internal.ServerCallImpl").getDeclaredField("stream"));
                Field streamState = accessible(Class.forName("io.grpc.netty.NettyServerStream").getDeclaredField("state"));
                Field stateHandler = accessible(Class.forName("io.grpc.netty.NettyServerStream$TransportState")
                        .getDeclaredField("handler"));
                Method ctx = Class.forName("io.grpc.netty.AbstractNettyHandler").getDeclaredMethod("ctx");
                ctx.setAccessible(true);
                return new Path(observerCall, forwarding, delegate, callStream, streamState, stateHandler, ctx, null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return new Path(null, null, null, null, null, null, null, e.toString());
            }
        }

        /** Null when the call is not on grpc-java's Netty transport (an in-process server, say). */
        Http2ConnectionHandler handler(ServerCallStreamObserver<?> observer) throws ReflectiveOperationException {
            if (!observerCall.getDeclaringClass().isInstance(observer)) {
                return null;
            }
            Object call = observerCall.get(observer);
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
            return (Http2ConnectionHandler) stateHandler.get(streamState.get(stream));
        }

        private static Field accessible(Field field) {
            field.setAccessible(true);
            return field;
        }
    }
}
