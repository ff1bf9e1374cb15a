package io.sluice.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.sluice.testing.TestStages;

/**
 * A streamed upload against a deliberately slow stage, through a real Envoy: the upload is paced by the stage
 * (it cannot finish faster than the stage answers its chunks) while Sluice never holds more than
 * {@code max-in-flight} messages of the stream: the client is slowed down, Sluice's memory does not grow.
 */
@QuarkusTest
class SlowStageBackpressureE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        startEnvoy("streamed-request");
    }

    @Test
    void theClientIsSlowedDownInsteadOfSluiceBuffering() {
        int size = 32 * 1024 * 1024;
        long chunksBefore = extProcCounter("stream_msgs_sent");
        long start = System.nanoTime();
        throughEnvoy().contentType("application/octet-stream").body(new byte[size]).post("/slow/upload")
                .then().statusCode(200).body("body.bytes", equalTo(size));
        double seconds = (System.nanoTime() - start) / 1e9;
        long messages = extProcCounter("stream_msgs_sent") - chunksBefore;
        // Request headers, body chunks, response headers and body: at least the chunks were paced by the stage.
        double stageSeconds = (messages - 3) * TestStages.SlowBody.DELAY.toMillis() / 1000.0;
        assertThat(messages).as("the body reached Sluice in many chunks").isGreaterThan(32);
        assertThat(seconds).as("upload time against %d chunks at %d ms each", messages - 3, TestStages.SlowBody.DELAY.toMillis())
                .isGreaterThanOrEqualTo(stageSeconds * 0.9);
        int maxInFlight = ConfigProvider.getConfig().getValue("sluice.exchange.max-in-flight", Integer.class);
        assertThat(heldMax()).as("messages Sluice held at once").isLessThanOrEqualTo(maxInFlight);
    }

    private static double heldMax() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^sluice_stream_held_messages_max(?:\\{[^}]*})? (\\S+)$").matcher(metrics);
        assertThat(m.find()).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
