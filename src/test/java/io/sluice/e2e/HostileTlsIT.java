package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.grpc.Status;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.sluice.testing.GrpcTestChannel;
import io.sluice.testing.Packaged;
import io.sluice.testing.RawGrpc;
import io.sluice.testing.RawHttp2;
import io.sluice.testing.SluiceProcess;
import io.sluice.testing.TestPki;

/**
 * The transport-abuse cases of {@code HostileInputTest} on the TLS port, with and without client certificates: a
 * rapid reset inside TLS gets GOAWAY, a connection that never starts its handshake is closed after
 * {@code sluice.transport.handshake-timeout}, plaintext on the TLS port is closed and counted, PINGs too often get
 * GOAWAY and are counted, undecodable bytes end
 * their stream with INVALID_ARGUMENT; after each, a canary exchange on a new connection is served.
 */
@Packaged
class HostileTlsIT {

    private static final String TLS_HANDSHAKE = "sluice_transport_errors_total{cause=\"tls_handshake\"}";
    private static final String KEEPALIVE_ABUSE = "sluice_transport_errors_total{cause=\"keepalive_abuse\"}";

    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);

    static TestPki pki;
    static SluiceProcess tls;
    static SluiceProcess mtls;

    @BeforeAll
    static void start() {
        pki = TestPki.create(Path.of("target", "hostile-tls", "pki").toAbsolutePath());
        // 3 s, not 1 s as on plaintext: a TLS handshake on this shared machine, under load, has taken over a second, and
        // the timeout then closed the canaries' and the attacker's own connections.
        Map<String, String> limits = Map.of("sluice.transport.handshake-timeout", HANDSHAKE_TIMEOUT.toSeconds() + "s",
                "sluice.transport.max-early-resets-per-second", "50");
        tls = SluiceProcess.start("hostile-tls", List.of(), with(limits, Map.of(
                "quarkus.grpc.server.ssl.certificate", pki.server().certificate().toString(),
                "quarkus.grpc.server.ssl.key", pki.server().key().toString())));
        mtls = SluiceProcess.start("hostile-mtls", List.of(), with(limits, Map.of(
                "quarkus.grpc.server.ssl.certificate", pki.serverAndClient().certificate().toString(),
                "quarkus.grpc.server.ssl.key", pki.serverAndClient().key().toString(),
                "quarkus.grpc.server.ssl.client-auth", "REQUIRED",
                "sluice.tls.client-ca", pki.caCertificate().toString())));
        // The first TLS handshakes of a fresh JVM are the slowest: done here, not inside the first case.
        canary("tls");
        canary("mtls");
    }

    @AfterAll
    static void stop() {
        for (SluiceProcess sluice : new SluiceProcess[] { tls, mtls }) {
            if (sluice != null) {
                sluice.close();
            }
        }
    }

    private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new java.util.HashMap<>(a);
        all.putAll(b);
        return all;
    }

    private static SluiceProcess sluice(String mode) {
        return mode.equals("mtls") ? mtls : tls;
    }

    private static TestPki.Pair clientCertificate(String mode) {
        return mode.equals("mtls") ? pki.client() : null;
    }

    @ParameterizedTest
    @ValueSource(strings = { "tls", "mtls" })
    void rapidResetInsideTlsGetsGoaway(String mode) throws Exception {
        SluiceProcess sluice = sluice(mode);
        try (SSLSocket socket = h2Socket(sluice.grpcPort(), clientCertificate(mode))) {
            RawHttp2.Attack attack = RawHttp2.rapidReset(socket, 2_000);
            assertThat(attack.goawayCode()).as("GOAWAY's error code (%s)", attack).isEqualTo(0xBL);
        }
        assertThat(sluice.metric("sluice_transport_errors_total{cause=\"rapid_reset\"}")).isPositive();
        canary(mode);
    }

    @ParameterizedTest
    @ValueSource(strings = { "tls", "mtls" })
    void aConnectionThatNeverStartsItsHandshakeIsClosed(String mode) throws Exception {
        try (Socket silent = new Socket("127.0.0.1", sluice(mode).grpcPort())) {
            silent.setSoTimeout(10_000);
            long start = System.nanoTime();
            assertThat(RawGrpc.closedByPeer(silent.getInputStream())).as("closed by Sluice").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(HANDSHAKE_TIMEOUT.plusSeconds(3));
        }
        canary(mode);
    }

    @ParameterizedTest
    @ValueSource(strings = { "tls", "mtls" })
    void plaintextOnTheTlsPortIsClosedAndCounted(String mode) throws Exception {
        SluiceProcess sluice = sluice(mode);
        RawGrpc.countedOnce(() -> sluice.metric(TLS_HANDSHAKE), () -> {
            try (Socket socket = new Socket("127.0.0.1", sluice.grpcPort())) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(RawHttp2.PREFACE);
                socket.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(RawGrpc.closedByPeer(socket.getInputStream())).isTrue();
            }
        });
        assertThat(sluice.logTail()).contains("closed: TLS handshake failed").doesNotContain("NotSslRecordException");
        canary(mode);
    }

    @ParameterizedTest
    @ValueSource(strings = { "tls", "mtls" })
    void pingsInsideTlsMoreOftenThanPermittedGetGoaway(String mode) throws Exception {
        SluiceProcess sluice = sluice(mode);
        RawGrpc.countedOnce(() -> sluice.metric(KEEPALIVE_ABUSE), () -> {
            try (SSLSocket socket = h2Socket(sluice.grpcPort(), clientCertificate(mode))) {
                RawHttp2.Frame goaway = RawHttp2.goaway(new RawHttp2().pingFlood(socket.getInputStream(), socket.getOutputStream()));
                assertThat(goaway).as("GOAWAY").isNotNull();
                assertThat(goaway.goawayCode()).as("ENHANCE_YOUR_CALM").isEqualTo(0xBL);
            }
        });
        canary(mode);
    }

    @ParameterizedTest
    @ValueSource(strings = { "tls", "mtls" })
    void undecodableBytesInsideTlsEndTheirStreamWithInvalidArgument(String mode) throws Exception {
        try (GrpcTestChannel channel = GrpcTestChannel.tls(sluice(mode).grpcPort(), pki.caCertificate(),
                TestPki.SERVER_NAME, clientCertificate(mode))) {
            Status status = RawGrpc.sendRaw(channel.channel(), new byte[] { 0x12, 0x64, 0x0a, 0x00 });
            assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).startsWith("ProcessingRequest cannot be decoded:");
        }
        canary(mode);
    }

    private static void canary(String mode) {
        try (GrpcTestChannel channel = GrpcTestChannel.tls(sluice(mode).grpcPort(), pki.caCertificate(),
                TestPki.SERVER_NAME, clientCertificate(mode))) {
            assertThat(channel.exchangeRequestHeaders().hasRequestHeaders()).isTrue();
        }
    }

    /** A TLS socket speaking h2 (ALPN), trusting the test CA, with the client certificate for mTLS. */
    private static SSLSocket h2Socket(int port, TestPki.Pair client) throws IOException {
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(pki.caCertificate().toFile());
        if (client != null) {
            builder.keyManager(client.certificate().toFile(), client.key().toFile());
        }
        SSLContext context = ((JdkSslContext) builder.build()).context();
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(TestPki.SERVER_NAME)));
        parameters.setApplicationProtocols(new String[] { "h2" });
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
        return socket;
    }
}
