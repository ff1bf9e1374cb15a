package io.sluice.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.sluice.transport.tls.GrpcTlsFiles;
import io.sluice.transport.tls.ServerTls;
import io.sluice.transport.tls.TlsConfig;
import io.vertx.core.Vertx;

/**
 * The gRPC port: ext_proc and gRPC health on a grpc-java Netty server of Sluice's own, on the address, port and TLS of
 * Quarkus' keys ({@code quarkus.grpc.server.host}, {@code .port}, {@code .test-port}, {@code .ssl.*},
 * {@code .max-inbound-message-size}).
 * <p>
 * Not Quarkus' gRPC server: its unified variant tears down the whole connection when Envoy resets one stream
 * (quarkus#56268), and its separate variant is vertx-grpc's, whose executor hops every listener call onto a Vert.x
 * context, after which Quarkus' interceptors hop and wrap again: per exchange that cost as much CPU as Sluice's own
 * code, and it cannot be configured away (vertx-grpc sets its executor after the customizers run). Here calls run on
 * the connection's event loop ({@code directExecutor}): the service never blocks. {@code sluice.transport.event-loops}
 * threads on Netty's native epoll transport where it is available (NIO otherwise), with the HTTP/2 settings of
 * {@link TransportSettings}.
 * <p>
 * Bound after every start-up check and before the warm-up (which dials this port), stopped after the graceful drain.
 */
@ApplicationScoped
public class TcpServer {

    private static final Logger LOG = Logger.getLogger(TcpServer.class);
    static final String HOST = "quarkus.grpc.server.host";
    static final String PORT = "quarkus.grpc.server.port";
    static final String TEST_PORT = "quarkus.grpc.server.test-port";
    static final String MAX_INBOUND = "quarkus.grpc.server.max-inbound-message-size";
    /**
     * When the listeners bind: after every start-up check (the {@code @Startup} beans and observers at the default
     * priority), so that a Sluice that fails start-up never opens its port, and before the warm-up, which dials it.
     */
    public static final int START_PRIORITY = Interceptor.Priority.APPLICATION + 1000;

    private final TransportSettings transport;
    private final ListenerServices services;
    private final TlsConfig tls;
    private final Vertx vertx;
    private volatile Server server;
    private volatile String host;
    private EventLoopGroup group;

    public TcpServer(TransportSettings transport, ListenerServices services, TlsConfig tls, Vertx vertx) {
        this.transport = transport;
        this.services = services;
        this.tls = tls;
        this.vertx = vertx;
    }

    /** True once the port accepts connections and until the shutdown stops it. */
    public boolean serving() {
        Server s = server;
        return s != null && !s.isShutdown();
    }

    /** The bound port, or the configured one before the server is bound. */
    public int port() {
        Server s = server;
        return s != null ? s.getPort() : configuredPort(ConfigProvider.getConfig());
    }

    /** The address the port is bound to ({@code quarkus.grpc.server.host}; a wildcard binds every interface). */
    public String host() {
        String h = host;
        return h != null ? h : ConfigProvider.getConfig().getOptionalValue(HOST, String.class).orElse("0.0.0.0");
    }

    /** The running server, for the graceful shutdown to drain. */
    public Optional<Server> grpcServer() {
        return Optional.ofNullable(server);
    }

    void start(@Observes @Priority(START_PRIORITY) StartupEvent event) {
        Config config = ConfigProvider.getConfig();
        String host = host();
        int port = configuredPort(config);
        GrpcTlsFiles files = GrpcTlsFiles.check(config, tls, vertx);
        Optional<SslContext> ssl = ServerTls.context(config, files, vertx);
        boolean epoll = Epoll.isAvailable();
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        DefaultThreadFactory threads = new DefaultThreadFactory("sluice-grpc", true);
        group = epoll ? new EpollEventLoopGroup(transport.eventLoops(), threads)
                : new NioEventLoopGroup(transport.eventLoops(), threads);
        NettyServerBuilder builder = GrpcListener.builder(new InetSocketAddress(host, port), channel, group, transport,
                services, config.getOptionalValue(MAX_INBOUND, Integer.class))
                // As Vert.x does: a restarted server (a new pod process, a test profile) binds while the previous
                // one's connections are still in TIME_WAIT.
                .withOption(ChannelOption.SO_REUSEADDR, true);
        ssl.ifPresent(builder::sslContext);
        try {
            server = builder.build().start();
            this.host = host;
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new ConfigurationException(portKey() + "=" + port + ": cannot bind " + host + ":" + port + " ("
                    + e.getMessage() + ")", e);
        }
        LOG.infof("ext_proc served on %s:%d (%s, %d event loop(s), %s)", host, server.getPort(),
                ssl.isPresent() ? "TLS" : "plaintext", transport.eventLoops(), epoll ? "epoll" : "NIO");
        files.summary().ifPresent(LOG::info);
    }

    /** A start-up that failed after the bind fires no ShutdownEvent: the port must not outlive the application. */
    @PreDestroy
    void destroy() {
        stop(null);
    }

    /** After {@code ShutdownSequence} has drained it: whatever is left is cut. */
    void stop(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER) ShutdownEvent event) {
        Server s = server;
        if (s == null) {
            return;
        }
        server = null;
        GrpcListener.stop(s, group);
    }

    private static String portKey() {
        return LaunchMode.current() == LaunchMode.TEST ? TEST_PORT : PORT;
    }

    private static int configuredPort(Config config) {
        return LaunchMode.current() == LaunchMode.TEST ? config.getOptionalValue(TEST_PORT, Integer.class).orElse(9001)
                : config.getOptionalValue(PORT, Integer.class).orElse(9000);
    }
}
