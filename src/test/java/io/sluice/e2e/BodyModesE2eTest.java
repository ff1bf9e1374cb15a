package io.sluice.e2e;

import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.sluice.devmode.EchoUpstream;
import io.sluice.devmode.EnvoyLauncher;

/**
 * Request bodies of 0 B to 10 MiB through a real Envoy in every body mode, transformed by a stage (upper-case):
 * the upstream must receive exactly the transformed bytes. BUFFERED over Envoy's 1 MiB buffer limit gets Envoy's
 * own 413, and BUFFERED_PARTIAL lets the part beyond the limit flow past the processor.
 */
@QuarkusTest
class BodyModesE2eTest extends EnvoyE2eSupport {

    static final int KIB = 1024;
    static final int MIB = 1024 * KIB;
    static final Map<String, EnvoyLauncher> ENVOYS = new LinkedHashMap<>();

    @BeforeAll
    static void envoys() {
        warmUpSluice();
        upstream = EchoUpstream.standalone();
        int upstreamPort = upstream.startAndAwait("127.0.0.1", 0);
        for (String mode : new String[] { "streamed-request", "buffered", "buffered-partial", "full-duplex" }) {
            ENVOYS.put(mode, EnvoyLauncher.start("modes-" + mode, "envoy/" + mode + ".yaml", Map.of(
                    "SLUICE_GRPC_PORT", Integer.toString(sluiceGrpcPort()),
                    "UPSTREAM_PORT", Integer.toString(upstreamPort),
                    "LISTEN_PORT", "0",
                    "ADMIN_PORT", "0")));
        }
    }

    @AfterAll
    static void stopEnvoys() {
        ENVOYS.values().forEach(EnvoyLauncher::close);
        ENVOYS.clear();
    }

    static Stream<Arguments> cases() {
        int[] sizes = { 0, 1, 16 * KIB, MIB - 4 * KIB, 10 * MIB };
        return Stream.of("streamed-request", "buffered", "buffered-partial", "full-duplex")
                .flatMap(mode -> java.util.Arrays.stream(sizes).mapToObj(size -> Arguments.of(mode, size)));
    }

    @ParameterizedTest(name = "{0} {1} bytes")
    @MethodSource("cases")
    void uploadArrivesTransformed(String mode, int size) throws Exception {
        byte[] body = text(size);
        var response = RestAssured.given().baseUri("http://127.0.0.1").port(ENVOYS.get(mode).listenerPort("main"))
                .header("Host", "www.example.com").contentType("text/plain").body(body).post("/upper-request/upload");
        if (mode.equals("buffered") && size > MIB) {
            response.then().statusCode(413);
            return;
        }
        response.then().statusCode(200).body("body.bytes", equalTo(size));
        if (mode.equals("buffered-partial") && size > MIB) {
            return; // Beyond the buffer limit the body flows past the processor: only its length is defined.
        }
        byte[] expected = new String(body, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        response.then().body("body.sha256", equalTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expected))));
    }

    static byte[] text(int size) {
        byte[] text = new byte[size];
        for (int i = 0; i < size; i++) {
            text[i] = (byte) ('a' + (i * 7 + i / 26) % 26);
        }
        return text;
    }
}
