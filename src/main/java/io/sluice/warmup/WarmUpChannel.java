package io.sluice.warmup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import org.eclipse.microprofile.config.Config;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.sluice.transport.TcpServer;
import io.sluice.transport.tls.GrpcTlsFiles;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;

/**
 * The warm-up client's channel: grpc-java over loopback to Sluice's own gRPC port, as Envoy connects, on an event loop
 * of its own (never one of the server's). Plaintext, or TLS when the port serves TLS: then it trusts the server's own
 * certificate and, when the port asks for client certificates ({@code client-auth=REQUIRED}), presents that same
 * certificate and key, which the mTLS CA ({@code sluice.tls.client-ca}) must therefore have issued.
 */
final class WarmUpChannel implements AutoCloseable {

    private final ManagedChannel channel;
    private final NioEventLoopGroup group;
    private final String description;
    private final boolean mutual;

    private WarmUpChannel(ManagedChannel channel, NioEventLoopGroup group, String description, boolean mutual) {
        this.channel = channel;
        this.group = group;
        this.description = description;
        this.mutual = mutual;
    }

    /** To the port {@code server} is bound to, whatever configured it. */
    static WarmUpChannel open(TcpServer server, Config config, Vertx vertx) {
        String host = loopback(server.host());
        int port = server.port();
        NioEventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("sluice-warm-up-io", true));
        // directExecutor: replies are handled on that thread, cheaply; nothing in WarmUpExchange blocks.
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port)
                .eventLoopGroup(group).channelType(NioSocketChannel.class).directExecutor();
        Optional<Path> certificate = config.getOptionalValue(GrpcTlsFiles.CERTIFICATE, Path.class);
        String description;
        boolean mutual = false;
        if (certificate.isEmpty()) {
            builder.usePlaintext();
            description = host + ":" + port + " (plaintext)";
        } else {
            mutual = config.getOptionalValue(GrpcTlsFiles.CLIENT_AUTH, String.class).orElse("NONE")
                    .toUpperCase(Locale.ROOT).equals("REQUIRED");
            builder.sslContext(tls(certificate.get(), config.getValue(GrpcTlsFiles.KEY, Path.class), mutual, vertx));
            description = host + ":" + port + (mutual ? " (mTLS, with the server's own certificate)" : " (TLS)");
        }
        return new WarmUpChannel(builder.build(), group, description, mutual);
    }

    ManagedChannel channel() {
        return channel;
    }

    String description() {
        return description;
    }

    /** The client presents the server's own certificate ({@code client-auth=REQUIRED}). */
    boolean mutual() {
        return mutual;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    /** Where to dial a server bound to {@code host}: loopback for a wildcard address, else the address itself. */
    static String loopback(String host) {
        return switch (host) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::", "[::]", "0:0:0:0:0:0:0:0" -> "::1";
            default -> host;
        };
    }

    private static io.netty.handler.ssl.SslContext tls(Path certificate, Path key, boolean mutual, Vertx vertx) {
        try {
            byte[] certificatePem = Files.readAllBytes(certificate);
            SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(new OwnCertificateTrust(leaf(certificatePem)));
            if (mutual) {
                // The same PEM parsing as the server's (PKCS#8, PKCS#1 RSA, SEC1 EC keys).
                ssl.keyManager(new PemKeyCertOptions().setCertValue(Buffer.buffer(certificatePem))
                        .setKeyValue(Buffer.buffer(Files.readAllBytes(key))).getKeyManagerFactory(vertx));
            }
            return ssl.build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the warm-up client's TLS context: " + e, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the gRPC port's certificate or key for the warm-up client: " + e, e);
        }
    }

    private static X509Certificate leaf(byte[] pem) throws CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))
                .iterator().next();
    }
}
