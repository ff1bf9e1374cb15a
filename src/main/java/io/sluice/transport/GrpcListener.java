package io.sluice.transport;

import java.net.SocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;

/** What Sluice's gRPC listeners (TCP and the Unix socket) share: how their servers are built and how they end. */
public final class GrpcListener {

    private GrpcListener() {
    }

    /**
     * A grpc-java Netty server on {@code address} serving {@link ListenerServices}, with {@link TransportSettings}, its
     * connections and calls on {@code group}: the service never blocks, so calls run on the connection's event loop.
     */
    public static NettyServerBuilder builder(SocketAddress address, Class<? extends ServerChannel> channel, EventLoopGroup group,
            TransportSettings transport, ListenerServices services, Optional<Integer> maxInboundMessageSize) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
                .channelType(channel)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .directExecutor();
        transport.apply(builder);
        maxInboundMessageSize.ifPresent(builder::maxInboundMessageSize);
        services.all().forEach(builder::addService);
        return builder;
    }

    /** After the graceful drain ({@code ShutdownSequence}): whatever is still open is cut. */
    public static void stop(Server server, EventLoopGroup group) {
        server.shutdownNow();
        try {
            server.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
}
