package io.sluice.contract;

import static io.restassured.RestAssured.given;
import static io.sluice.testing.EnvoyMessages.requestHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.google.protobuf.CodedOutputStream;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse.ResponseCase;
import io.envoyproxy.envoy.service.ext_proc.v3.ProtocolConfiguration;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sluice.testing.ExtProcClient;
import io.sluice.testing.RawGrpc;
import io.sluice.testing.RawHttp2;

/**
 * Bad input from something that is not quite Envoy: each gets a named error that touches only its own stream or
 * connection, is counted by cause, and is followed by a canary exchange on a healthy connection. Limits are set low
 * by the profile so that each case is quick; the defaults are in the README's table.
 */
@QuarkusTest
@TestProfile(HostileInputTest.QuickLimits.class)
class HostileInputTest extends ChannelSupport {

    public static class QuickLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.transport.handshake-timeout", "1s",
                    "sluice.transport.max-early-resets-per-second", "50");
        }
    }

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

    @Test
    void aConnectionThatNeverSendsThePrefaceIsClosedAfterTheHandshakeTimeout() throws Exception {
        try (Socket silent = new Socket("127.0.0.1", grpcPort()); Socket half = new Socket("127.0.0.1", grpcPort())) {
            half.getOutputStream().write("PRI * HTTP/2.0\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            for (Socket socket : new Socket[] { silent, half }) {
                socket.setSoTimeout(5_000);
                assertThat(RawGrpc.closedByPeer(socket.getInputStream())).as("closed by Sluice").isTrue();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
        }
        canary();
    }

    @Test
    void rapidResetGetsGoawayAndOtherConnectionsGoOn() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", grpcPort())) {
            socket.setSoTimeout(5_000);
            assertThat(RawHttp2.rapidReset(socket, 2_000).goawayCode()).as("GOAWAY's error code").isEqualTo(0xBL);
        }
        assertThat(metric("sluice_transport_errors_total", "cause=\"rapid_reset\"")).isPositive();
        canary();
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

    private static double metric(String name, String label) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$").matcher(body);
        assertThat(m.find()).as(name + "{" + label + "} in /q/metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
