package io.sluice.e2e;

import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** A stage switches the request body from NONE to STREAMED on its headers reply; Envoy honours it. */
@QuarkusTest
class ModeOverrideE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        startEnvoy("mode-override");
    }

    @Test
    void theBodyIsStreamedToSluiceOnlyBecauseAStageAskedForIt() throws Exception {
        String sent = "abc".repeat(100_000);
        byte[] upper = sent.toUpperCase().getBytes(StandardCharsets.US_ASCII);
        String upperSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(upper));
        // Without the override Envoy would not send the body at all, and it would arrive unchanged.
        throughEnvoy().contentType("text/plain").body(sent).post("/override-upper/upload")
                .then().statusCode(200).body("body.sha256", equalTo(upperSha));
        // Other routes keep the configured NONE: the same stage sees no body there.
        throughEnvoy().contentType("text/plain").body(sent).post("/upper-request/upload")
                .then().statusCode(200).body("body.bytes", equalTo(sent.length()))
                .body("body.sha256", equalTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(sent.getBytes(StandardCharsets.US_ASCII)))));
    }
}
