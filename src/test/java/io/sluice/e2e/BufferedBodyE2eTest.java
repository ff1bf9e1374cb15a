package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.sluice.testing.TestStages;

/**
 * BUFFERED bodies replaced by a stage, in both directions: Envoy keeps content-length in this mode and would
 * answer 500 ("mismatch between content length and the length of the mutated body") if Sluice did not fix it.
 */
@QuarkusTest
class BufferedBodyE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        startEnvoy("buffered");
    }

    @Test
    void grownBodiesKeepTheirContentLengthRight() throws Exception {
        String sent = "hello upstream";
        String expected = sent + TestStages.GrowBody.SUFFIX;
        Response response = throughEnvoy().contentType("text/plain").body(sent).post("/grow/echo");
        response.then().statusCode(200)
                .body("body.bytes", equalTo(expected.length()))
                .body("body.sha256", equalTo(sha256(expected.getBytes(StandardCharsets.UTF_8))))
                .body("headers.Content-Length[0]", equalTo(Integer.toString(expected.length())));
        String received = response.asString();
        assertThat(received).endsWith(TestStages.GrowBody.SUFFIX);
        assertThat(response.header("content-length")).isEqualTo(Integer.toString(received.getBytes(StandardCharsets.UTF_8).length));
        assertThat(extProcCounter("spurious_msgs_received")).isZero();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
