package io.sluice.contract;

import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.google.protobuf.CodedOutputStream;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse.ResponseCase;
import io.envoyproxy.envoy.service.ext_proc.v3.ProtocolConfiguration;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sluice.testing.ExtProcClient;
import io.sluice.testing.GrpcTestChannel;
import io.sluice.testing.RawConnection;
import io.sluice.testing.RawGrpc;
import io.sluice.testing.RawHttp2;

/**
 * Bad input from something that is not quite Envoy: each gets a named error that touches only its own stream or
 * connection, is counted by cause, and is followed by a canary exchange on a healthy connection (and on the same one
 * where it survives). Limits are set low by the profile so that each case is quick; the defaults are in the README's
 * table. The transport limits run on the TCP port and on the Unix socket ({@code sluice.uds.path}) alike.
 */
@QuarkusTest
@TestProfile(HostileInputTest.QuickLimits.class)
class HostileInputTest extends ChannelSupport {

    public static class QuickLimits implements QuarkusTestProfile {
        // Unix socket paths are limited to 107 bytes: a short temporary directory, not target/.
        private static final Path SOCKET = socket();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.transport.handshake-timeout", "1s",
                    "sluice.transport.max-early-resets-per-second", "50",
                    "sluice.transport.max-connection-idle", IDLE.toMillis() + "ms",
                    "sluice.uds.path", SOCKET.toString());
        }

        private static Path socket() {
            try {
                return Files.createTempDirectory("sluice-hostile").resolve("ext-proc.sock");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static final Duration IDLE = Duration.ofSeconds(2);

    private static final String PROCESS = RawHttp2.PROCESS;

    @Test
    void undecodableBytesEndTheStreamWithInvalidArgument() throws Exception {
        double before = metric("sluice_stream_errors_total", "cause=\"malformed\"");
        // request_headers (field 2) announcing 100 bytes, of which 2 follow: protobuf cannot decode it.
        Status status = RawGrpc.sendRaw(channel, new byte[] { 0x12, 0x64, 0x0a, 0x00 });
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).startsWith("ProcessingRequest cannot be decoded:");
        assertThat(metric("sluice_stream_errors_total", "cause=\"malformed\"")).isEqualTo(before + 1);
        canary();
    }

    @Test
    void invalidUtf8InAHeaderKeyEndsTheStreamWithInvalidArgument() throws Exception {
        // request_headers { headers { headers { key: 0xC3 0x28 } } }: a proto3 string that is not UTF-8.
        byte[] value = nested(1, new byte[] { (byte) 0xC3, 0x28 });
        byte[] message = nested(2, nested(1, nested(1, value)));
        Status status = RawGrpc.sendRaw(channel, message);
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("cannot be decoded").containsIgnoringCase("UTF-8");
        canary();
    }

    @Test
    void anUnknownBodyModeIsRefusedByName() {
        ProcessingRequest first = requestHeaders(false).toBuilder()
                .setProtocolConfig(ProtocolConfiguration.newBuilder().setRequestBodyModeValue(99)).build();
        try (ExtProcClient stream = stream()) {
            stream.send(first);
            Status status = stream.awaitClose();
            assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).contains("request_body_mode 99").contains("not a body mode");
        }
        canary();
    }

    @Test
    void http1OnTheGrpcPortClosesThatConnectionAndIsCounted() throws Exception {
        double before = metric("sluice_transport_errors_total", "cause=\"http1_on_grpc_port\"");
        try (Socket socket = new Socket("127.0.0.1", grpcPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(RawGrpc.closedByPeer(socket.getInputStream())).as("the connection is closed").isTrue();
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> metric("sluice_transport_errors_total", "cause=\"http1_on_grpc_port\"") == before + 1);
        canary();
    }

    @Test
    void aTlsHelloOnThePlaintextPortClosesThatConnectionAndIsCounted() throws Exception {
        double before = metric("sluice_transport_errors_total", "cause=\"not_http2\"");
        try (Socket socket = new Socket("127.0.0.1", grpcPort())) {
            socket.setSoTimeout(5_000);
            // The first bytes of a TLS 1.2 ClientHello record, then filler up to the preface's length.
            byte[] hello = new byte[64];
            hello[0] = 0x16;
            hello[1] = 0x03;
            hello[2] = 0x01;
            hello[3] = 0x00;
            hello[4] = 0x3b;
            hello[5] = 0x01;
            socket.getOutputStream().write(hello);
            assertThat(RawGrpc.closedByPeer(socket.getInputStream())).as("the connection is closed").isTrue();
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> metric("sluice_transport_errors_total", "cause=\"not_http2\"") == before + 1);
        canary();
    }

    @ParameterizedTest
    @ValueSource(strings = { "tcp", "uds" })
    void aConnectionThatNeverSendsThePrefaceIsClosedAfterTheHandshakeTimeout(String listener) throws Exception {
        try (RawConnection silent = connect(listener); RawConnection half = connect(listener)) {
            half.out().write("PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            for (RawConnection connection : new RawConnection[] { silent, half }) {
                assertThat(RawGrpc.closedByPeer(connection.in())).as("closed by Sluice").isTrue();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
        canary(listener);
    }

    @ParameterizedTest
    @ValueSource(strings = { "tcp", "uds" })
    void rapidResetGetsGoawayAndOtherConnectionsGoOn(String listener) throws Exception {
        countedOnce("rapid_reset", () -> {
            try (RawConnection connection = connect(listener)) {
                RawHttp2.Attack attack = RawHttp2.rapidReset(connection.in(), connection.out(), 2_000);
                assertThat(attack.goawayCode()).as("GOAWAY's error code (%s)", attack).isEqualTo(0xBL);
            }
        });
        canary(listener);
    }

    @ParameterizedTest
    @ValueSource(strings = { "tcp", "uds" })
    void pingsMoreOftenThanPermittedGetGoawayEnhanceYourCalm(String listener) throws Exception {
        countedOnce("keepalive_abuse", () -> {
            try (RawConnection connection = connect(listener)) {
                // More often than sluice.transport.permit-keep-alive-time (10 s).
                List<RawHttp2.Frame> frames = new RawHttp2().pingFlood(connection.in(), connection.out());
                RawHttp2.Frame goaway = RawHttp2.goaway(frames);
                assertThat(goaway).as("GOAWAY before the connection closed: %s", frames).isNotNull();
                assertThat(goaway.goawayCode()).as("ENHANCE_YOUR_CALM").isEqualTo(0xBL);
                assertThat(goaway.goawayDebug()).isEqualTo("too_many_pings");
            }
        });
        canary(listener);
    }

    @ParameterizedTest
    @ValueSource(strings = { "tcp", "uds" })
    void requestMetadataOverTheLimitGets431AndTheConnectionGoesOn(String listener) throws Exception {
        countedOnce("header_list_too_large", () -> metadataOverTheLimit(listener));
        canary(listener);
    }

    private static void metadataOverTheLimit(String listener) throws IOException {
        try (RawConnection connection = connect(listener)) {
            RawHttp2 h2 = new RawHttp2();
            connection.out().write(RawHttp2.start());
            // Over sluice.transport.max-header-list-size (8192); a client that honours Sluice's SETTINGS would refuse
            // to send it, hence the frames by hand.
            connection.out().write(h2.processHeaders(1, Map.of("x-big", "a".repeat(10_000))));
            connection.out().flush();
            RawHttp2.Frame answer;
            do {
                answer = h2.next(connection.in(), connection.out());
            } while (answer.stream() != 1);
            assertThat(answer.type()).as("HEADERS answering stream 1").isEqualTo(RawHttp2.HEADERS);
            assertThat(answer.headers().status()).hasToString("431");
            assertThat(h2.exchange(connection.in(), connection.out(), 3).hasRequestHeaders())
                    .as("an exchange on the same connection").isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "tcp", "uds" })
    void aConnectionWithoutStreamsIsClosedAfterMaxConnectionIdle(String listener) throws Exception {
        try (RawConnection connection = connect(listener)) {
            RawHttp2 h2 = new RawHttp2();
            connection.out().write(RawHttp2.start());
            assertThat(h2.exchange(connection.in(), connection.out(), 1).hasRequestHeaders())
                    .as("an exchange on the connection before it idles").isTrue();
            long idleFrom = System.nanoTime();
            List<RawHttp2.Frame> frames = h2.untilClosed(connection.in(), connection.out());
            Duration idle = Duration.ofNanos(System.nanoTime() - idleFrom);
            RawHttp2.Frame goaway = RawHttp2.goaway(frames);
            assertThat(goaway).as("GOAWAY before the connection closed: %s", frames).isNotNull();
            assertThat(goaway.goawayCode()).as("NO_ERROR").isZero();
            assertThat(goaway.goawayDebug()).isEqualTo("max_idle");
            assertThat(idle).isGreaterThan(IDLE.minusMillis(500)).isLessThan(IDLE.plusSeconds(3));
        }
        canary(listener);
    }

    private static void countedOnce(String cause, RawGrpc.Case bad) throws Exception {
        RawGrpc.countedOnce(() -> metric("sluice_transport_errors_total", "cause=\"" + cause + "\""), bad);
    }

    /** A healthy exchange on a new connection to {@code listener}, as Envoy's would be. */
    private static void canary(String listener) {
        try (GrpcTestChannel channel = listener.equals("uds") ? GrpcTestChannel.unixSocket(socketPath())
                : GrpcTestChannel.plaintext(grpcPort())) {
            assertThat(channel.exchangeRequestHeaders().hasRequestHeaders()).isTrue();
        }
    }

    private static RawConnection connect(String listener) throws IOException {
        return listener.equals("uds") ? RawConnection.unix(socketPath()) : RawConnection.tcp(grpcPort());
    }

    private static Path socketPath() {
        return ConfigProvider.getConfig().getValue("sluice.uds.path", Path.class);
    }

    /** A healthy exchange on a connection of its own, as Envoy's would be. */
    private void canary() {
        try (ExtProcClient stream = stream()) {
            stream.send(requestHeaders(true));
            assertThat(stream.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            stream.cancel();
        }
    }

    private static byte[] nested(int field, byte[] payload) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeByteArray(field, payload);
        out.flush();
        return bytes.toByteArray();
    }
}
