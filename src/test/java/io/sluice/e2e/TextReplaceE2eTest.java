package io.sluice.e2e;

import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A streamed text upload through Envoy: Envoy cuts it into chunks of its own choosing, so matches land across
 * chunk boundaries; the upstream must still receive exactly the body with every match replaced.
 */
@QuarkusTest
class TextReplaceE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        startEnvoy("streamed-request");
    }

    @Test
    void everyMatchIsReplacedWhateverTheChunking() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 2 * 1024 * 1024; i++) {
            // Vary the distance between matches so that some of them straddle Envoy's chunk boundaries.
            body.append("line ").append(i).append(' ').append("x".repeat(i % 97)).append(" secret-token ;\n");
        }
        String sent = body.toString();
        String expected = sent.replace("secret-token", "[redacted]");
        throughEnvoy().contentType("text/plain").body(sent.getBytes(StandardCharsets.UTF_8)).post("/replace/upload")
                .then().statusCode(200)
                .body("body.bytes", equalTo(expected.getBytes(StandardCharsets.UTF_8).length))
                .body("body.sha256", equalTo(HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(expected.getBytes(StandardCharsets.UTF_8)))));
    }
}
