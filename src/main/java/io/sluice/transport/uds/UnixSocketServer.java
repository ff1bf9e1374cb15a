package io.sluice.transport.uds;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.sluice.transport.GrpcListener;
import io.sluice.transport.ListenerServices;
import io.sluice.transport.TcpServer;
import io.sluice.transport.TransportSettings;

/**
 * The ext_proc service, and gRPC health, on a Unix domain socket next to the TCP port, for Sluice as a sidecar of
 * Envoy (Envoy Gateway's Backend with a {@code unix} endpoint). Started and stopped with the application; off unless
 * {@code sluice.uds.path} is set.
 * <p>
 * A grpc-java Netty server like the TCP port's ({@link io.sluice.transport.TcpServer}), on Netty's native epoll
 * transport (Netty 4.1's NIO transport cannot bind Unix sockets) with {@code sluice.transport.event-loops} threads, the
 * same HTTP/2 settings ({@link TransportSettings}) and the same services ({@link ListenerServices}). Calls run on the
 * event-loop thread ({@code directExecutor}): the service never blocks.
 */
@ApplicationScoped
public class UnixSocketServer {

    private static final Logger LOG = Logger.getLogger(UnixSocketServer.class);

    private final UdsConfig config;
    private final ListenerServices services;
    private final Optional<Integer> maxInboundMessageSize;
    private final TransportSettings transport;
    private volatile Server server;
    private EventLoopGroup group;
    private Path path;

    public UnixSocketServer(UdsConfig config, ListenerServices services,
            @ConfigProperty(name = "quarkus.grpc.server.max-inbound-message-size") Optional<Integer> maxInboundMessageSize,
            TransportSettings transport) {
        this.config = config;
        this.transport = transport;
        this.services = services;
        this.maxInboundMessageSize = maxInboundMessageSize;
    }

    /** True once the socket accepts connections (the readiness check asks). */
    public boolean serving() {
        Server s = server;
        return s != null && !s.isShutdown();
    }

    public Optional<Path> path() {
        return config.path();
    }

    /** The running server, for the graceful shutdown to drain before {@link #stop} removes the socket. */
    public Optional<Server> grpcServer() {
        return Optional.ofNullable(server);
    }

    void start(@Observes @Priority(TcpServer.START_PRIORITY) StartupEvent event) {
        if (config.path().isEmpty()) {
            return;
        }
        path = config.path().get();
        Set<PosixFilePermission> permissions = permissions();
        if (!Epoll.isAvailable()) {
            throw new ConfigurationException(UdsConfig.PATH + "=" + path + ": Unix sockets need Netty's epoll transport "
                    + "(Linux x86_64), which is unavailable here: " + Epoll.unavailabilityCause());
        }
        SocketFile.clearStale(path);
        group = new EpollEventLoopGroup(transport.eventLoops(), new DefaultThreadFactory("sluice-uds"));
        NettyServerBuilder builder = GrpcListener.builder(new DomainSocketAddress(path.toString()),
                EpollServerDomainSocketChannel.class, group, transport, services, maxInboundMessageSize)
                // grpc-java sets SO_KEEPALIVE on every connection, which a Unix socket does not have: Netty then logs a
                // WARN line per connection. null removes the option.
                .withChildOption(ChannelOption.SO_KEEPALIVE, null);
        try {
            server = builder.build().start();
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new ConfigurationException(UdsConfig.PATH + "=" + path + ": cannot bind the Unix socket ("
                    + rootMessage(e) + ")", e);
        }
        try {
            Files.setPosixFilePermissions(path, permissions);
        } catch (IOException e) {
            stop(null);
            throw new ConfigurationException(UdsConfig.PATH + "=" + path + ": cannot set its permissions to "
                    + config.permissions() + " (" + e + ")", e);
        }
        LOG.infof("ext_proc also served on Unix socket %s (%s)", path, config.permissions());
    }

    /** A start-up that failed after the bind fires no ShutdownEvent: the socket must not outlive the application. */
    @PreDestroy
    void destroy() {
        stop(null);
    }

    void stop(@Observes ShutdownEvent event) {
        Server s = server;
        if (s == null) {
            return;
        }
        server = null;
        GrpcListener.stop(s, group);
        try {
            // Netty leaves the file behind; the next start would otherwise find a stale socket.
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warnf("cannot remove the Unix socket %s: %s", path, e);
        }
    }

    private Set<PosixFilePermission> permissions() {
        try {
            return PosixFilePermissions.fromString(config.permissions());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("sluice.uds.permissions=" + config.permissions()
                    + " is not a permission string like rw-rw----", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root.getMessage();
    }
}
