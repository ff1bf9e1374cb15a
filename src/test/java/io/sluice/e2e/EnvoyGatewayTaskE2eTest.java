package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.sluice.devmode.EchoUpstream;

/**
 * Envoy Gateway's "External Processing" task, as EG renders its policy (request headers, response headers,
 * response body STREAMED), through a real Envoy: the task's curl, and a multi-megabyte streamed response.
 */
@QuarkusTest
class EnvoyGatewayTaskE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        startEnvoy("eg-task");
    }

    @Test
    void theTasksCurlShowsBothTags() {
        throughEnvoy().get("/myapp").then()
                .statusCode(200)
                .header("x-response-ext-processed", "true")
                .body("path", equalTo("/myapp"))
                .body("host", equalTo("www.example.com"))
                .body("method", equalTo("GET"))
                .body("headers.X-Request-Ext-Processed", contains("true"));
    }

    @Test
    void aMultiMegabyteChunkedResponseArrivesByteForByte() throws Exception {
        long size = 5L * 1024 * 1024 + 12345;
        Response response = throughEnvoy().get("/myapp/download?bytes=" + size + "&chunk=16384");
        response.then().statusCode(200)
                .header("x-response-ext-processed", "true")
                .header("x-echo-req-x-request-ext-processed", "true");
        byte[] body = response.asByteArray();
        assertThat(body.length).isEqualTo(size);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        assertThat(sha).isEqualTo(EchoUpstream.sha256OfPattern(size));
        // Streamed in several chunks, each answered exactly once: no spurious message, no failed stream.
        assertThat(extProcCounter("stream_msgs_sent")).isGreaterThan(3);
        assertThat(extProcCounter("stream_msgs_received")).isEqualTo(extProcCounter("stream_msgs_sent"));
        assertThat(extProcCounter("spurious_msgs_received")).isZero();
        assertThat(extProcCounter("streams_failed")).isZero();
    }
}
