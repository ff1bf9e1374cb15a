package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
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
import io.sluice.testing.EchoUpstream;
import io.sluice.testing.EnvoyLauncher;

/**
 * Request bodies of 0 B to 10 MiB through a real Envoy in every body mode, transformed by a stage (upper-case):
 * the upstream must receive exactly the transformed bytes. BUFFERED over Envoy's 1 MiB buffer limit gets Envoy's
 * own 413, and BUFFERED_PARTIAL lets the part beyond the limit flow past the processor. {@code streamed-eager} is
 * STREAMED with {@code send_body_without_waiting_for_header_response}: chunks arrive before the headers reply.
 * Downloads check the response direction where the template turns it on (STREAMED and BUFFERED).
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
        Map<String, String> vars = templateVars(upstream.startAndAwait("127.0.0.1", 0));
        for (String mode : new String[] { "streamed-request", "buffered", "buffered-partial", "full-duplex" }) {
            ENVOYS.put(mode, EnvoyLauncher.start("modes-" + mode, "envoy/" + mode + ".yaml", vars));
        }
        Map<String, String> eager = new java.util.HashMap<>(vars);
        eager.put("SEND_BODY_EAGERLY", "true");
        ENVOYS.put("streamed-eager", EnvoyLauncher.start("modes-streamed-eager", "envoy/streamed-request.yaml", eager));
    }

    @AfterAll
    static void stopEnvoys() {
        ENVOYS.values().forEach(EnvoyLauncher::close);
        ENVOYS.clear();
    }

    static Stream<Arguments> cases() {
        int[] sizes = { 0, 1, 16 * KIB, MIB - 4 * KIB, 10 * MIB };
        return Stream.of("streamed-request", "streamed-eager", "buffered", "buffered-partial", "full-duplex")
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
        response.then().body("body.sha256", equalTo(sha256(upper(body))));
    }

    static Stream<Arguments> downloads() {
        int[] sizes = { 0, 1, 16 * KIB, MIB - 4 * KIB, 10 * MIB };
        return Stream.of("streamed-request", "streamed-eager", "buffered")
                .flatMap(mode -> java.util.Arrays.stream(sizes).filter(size -> !mode.equals("buffered") || size < MIB)
                        .mapToObj(size -> Arguments.of(mode, size)));
    }

    /** Response bodies in the templates whose response body mode is on: the client gets the upper-cased text. */
    @ParameterizedTest(name = "{0} {1} bytes")
    @MethodSource("downloads")
    void downloadArrivesTransformed(String mode, int size) throws Exception {
        byte[] body = RestAssured.given().baseUri("http://127.0.0.1").port(ENVOYS.get(mode).listenerPort("main"))
                .header("Host", "www.example.com").get("/upper/download?text=1&chunk=16384&bytes=" + size)
                .then().statusCode(200).extract().asByteArray();
        assertThat(body).hasSize(size);
        assertThat(sha256(body)).isEqualTo(sha256(upper(io.sluice.testing.EchoText.bytes(0, size))));
    }

    static Stream<String> modes() {
        return ENVOYS.keySet().stream();
    }

    /** Transfer-Encoding: chunked, as curl sends a body from a pipe: Envoy sees no content-length. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void chunkedHttp11UploadArrivesTransformed(String mode) throws Exception {
        byte[] body = text(MIB - 4 * KIB);
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        var response = client.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + ENVOYS.get(mode).listenerPort("main") + "/upper-request/chunked"))
                .header("content-type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        io.vertx.core.json.JsonObject echo = new io.vertx.core.json.JsonObject(response.body());
        assertThat(echo.getString("proto")).isEqualTo("HTTP/1.1");
        assertThat(echo.getJsonObject("body").getString("sha256")).isEqualTo(sha256(upper(body)));
        assertThat(echo.getJsonObject("headers").getJsonArray("Transfer-Encoding")).as("no content-length was sent").isNotNull();
    }

    /** An HTTP/2 (h2c, prior knowledge) downstream: one stream per request, flow-controlled by HTTP/2 windows. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void http2UploadArrivesTransformed(String mode) throws Exception {
        byte[] body = text(MIB - 4 * KIB);
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            var client = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
                    .setProtocolVersion(io.vertx.core.http.HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
            io.vertx.core.json.JsonObject echo = client.request(io.vertx.core.http.HttpMethod.POST,
                    ENVOYS.get(mode).listenerPort("main"), "127.0.0.1", "/upper-request/h2")
                    .compose(req -> req.putHeader("content-type", "text/plain")
                            .send(io.vertx.core.buffer.Buffer.buffer(body)))
                    .compose(resp -> {
                        assertThat(resp.version()).isEqualTo(io.vertx.core.http.HttpVersion.HTTP_2);
                        assertThat(resp.statusCode()).isEqualTo(200);
                        return resp.body();
                    })
                    .map(io.vertx.core.buffer.Buffer::toJsonObject)
                    .toCompletionStage().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(echo.getJsonObject("body").getString("sha256")).isEqualTo(sha256(upper(body)));
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    static byte[] upper(byte[] body) {
        return new String(body, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static byte[] text(int size) {
        byte[] text = new byte[size];
        for (int i = 0; i < size; i++) {
            text[i] = (byte) ('a' + (i * 7 + i / 26) % 26);
        }
        return text;
    }
}
