package io.sluice.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import grpc.health.v1.HealthGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslContextBuilder;
import io.sluice.stagetest.EnvoyMessages;

/** A grpc-java client channel to a Sluice outside the test JVM: plaintext, TLS (optionally mTLS) or a Unix socket. */
public final class GrpcTestChannel implements AutoCloseable {

    public static final String EXT_PROC_SERVICE = "envoy.service.ext_proc.v3.ExternalProcessor";

    private final ManagedChannel channel;
    private final EventLoopGroup group;

    private GrpcTestChannel(ManagedChannel channel, EventLoopGroup group) {
        this.channel = channel;
        this.group = group;
    }

    public static GrpcTestChannel plaintext(int port) {
        return new GrpcTestChannel(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build(), null);
    }

    /** TLS trusting {@code ca}, checking the server certificate against {@code serverName} (also sent as SNI). */
    public static GrpcTestChannel tls(int port, Path ca, String serverName, TestPki.Pair clientCertificate) {
        try {
            SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(ca.toFile());
            if (clientCertificate != null) {
                ssl.keyManager(clientCertificate.certificate().toFile(), clientCertificate.key().toFile());
            }
            return new GrpcTestChannel(NettyChannelBuilder.forAddress("127.0.0.1", port).overrideAuthority(serverName)
                    .sslContext(ssl.build()).build(), null);
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static GrpcTestChannel unixSocket(Path socket) {
        EventLoopGroup group = new EpollEventLoopGroup(1);
        return new GrpcTestChannel(NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class).eventLoopGroup(group).usePlaintext().build(), group);
    }

    /** {@code grpc.health.v1.Health/Check} for {@code service}; a failed call throws {@code StatusRuntimeException}. */
    public ServingStatus health(String service) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    /**
     * One ext_proc exchange over this channel: proves the transport carries the real service, and warms a cold JVM up so
     * that an Envoy's first request does not run into its 1 s message timeout (see {@code EnvoyE2eSupport}).
     *
     * @return Sluice's reply to a request-headers message
     */
    public ProcessingResponse exchangeRequestHeaders() {
        try (ExtProcClient stream = ExtProcClient.open(channel)) {
            stream.send(EnvoyMessages.requestHeaders(true));
            return stream.next(Duration.ofSeconds(30));
        }
    }

    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
