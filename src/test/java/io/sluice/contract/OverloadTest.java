package io.sluice.contract;

import static io.restassured.RestAssured.given;
import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.requestHeadersForPath;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse.ResponseCase;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sluice.testing.ExtProcClient;
import io.sluice.testing.TestStages;

/**
 * Beyond {@code sluice.overload.max-exchanges} a new stream is refused at once with UNAVAILABLE naming the key, the
 * exchanges in progress go on untouched, the refusal is counted, and a slot freed is a slot a new stream gets.
 */
@QuarkusTest
@TestProfile(OverloadTest.ThreeExchanges.class)
class OverloadTest extends ChannelSupport {

    public static class ThreeExchanges implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.overload.max-exchanges", "3");
        }
    }

    @AfterEach
    void release() {
        TestStages.HoldBody.releaseAll();
    }

    @Test
    void streamsBeyondTheLimitAreRefusedAtOnce() {
        TestStages.HoldBody.hold();
        double refusedBefore = metric("sluice_streams_refused_total");
        List<ExtProcClient> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ExtProcClient stream = stream();
            held.add(stream);
            stream.send(first(requestHeadersForPath("/hold", false), BodySendMode.STREAMED, BodySendMode.NONE));
            assertThat(stream.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            stream.send(requestBody("held", true));
        }
        assertThat(metric("sluice_exchanges_in_progress")).isEqualTo(3);

        long start = System.nanoTime();
        try (ExtProcClient refused = stream()) {
            refused.send(requestHeaders(true));
            Status status = refused.awaitClose();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(status.getDescription()).contains("sluice.overload.max-exchanges").contains("limit of 3");
            assertThat(took).as("a refusal is immediate, far inside Envoy's 200 ms timer").isLessThan(Duration.ofMillis(100));
        }
        assertThat(metric("sluice_streams_refused_total")).isEqualTo(refusedBefore + 1);

        TestStages.HoldBody.releaseAll();
        for (ExtProcClient stream : held) {
            assertThat(stream.next().getResponseCase()).as("a held exchange goes on").isEqualTo(ResponseCase.REQUEST_BODY);
            stream.cancel();
        }
        // Envoy's reset ends the held exchanges; their slots are free again.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> metric("sluice_exchanges_in_progress") == 0);
        try (ExtProcClient admitted = stream()) {
            admitted.send(requestHeaders(true));
            assertThat(admitted.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            admitted.cancel();
        }
    }

    private static double metric(String name) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(body);
        assertThat(m.find()).as(name + " in /q/metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
