package io.sluice.e2e;

import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** A BUFFERED JSON upload reaches the upstream with its secrets masked and a content-length Envoy accepts. */
@QuarkusTest
class JsonRedactE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        startEnvoy("buffered");
    }

    @Test
    void secretsNeverReachTheUpstream() throws Exception {
        String sent = "{ \"user\": \"ada\", \"password\": \"hunter2\", \"card\": { \"pan\": \"4111111111111111\", \"exp\": \"12/30\" } }";
        String expected = "{\"user\":\"ada\",\"password\":\"***\",\"card\":{\"pan\":\"***\",\"exp\":\"12/30\"}}";
        byte[] expectedBytes = expected.getBytes(StandardCharsets.UTF_8);
        throughEnvoy().contentType("application/json").body(sent).post("/redact/users")
                .then().statusCode(200)
                .body("body.bytes", equalTo(expectedBytes.length))
                .body("body.sha256", equalTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(expectedBytes))))
                .body("headers.Content-Length[0]", equalTo(Integer.toString(expectedBytes.length)));
    }
}
