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

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse.ResponseCase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sluice.testing.ExtProcClient;
import io.sluice.testing.TestStages;

/**
 * {@code sluice.overload.max-held-bytes} bounds what the messages of all exchanges hold together, whatever size Envoy
 * gives them: a body message that does not fit waits, its stream's window closed, and is neither lost nor failed; the
 * other streams on the connection go on; room freed lets the waiting messages in, first come first served.
 * <p>
 * The shape is Envoy's: a STREAMED body held back while its headers were answered comes as one large message.
 */
@QuarkusTest
@TestProfile(HeldBytesBudgetTest.OneMebibyte.class)
class HeldBytesBudgetTest extends ChannelSupport {

    private static final long BUDGET = 1 << 20;
    private static final int STREAMS = 6;
    private static final ByteString BODY = ByteString.copyFrom(new byte[400 * 1024]);

    public static class OneMebibyte implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sluice.overload.max-held-bytes", Long.toString(BUDGET));
        }
    }

    @AfterEach
    void release() {
        TestStages.HoldBody.releaseAll();
    }

    @Test
    void messagesBeyondTheBudgetWaitAndNoneIsLost() {
        TestStages.HoldBody.hold();
        // The connection is set up on its first stream, which is therefore not accounted: open it with a short one.
        try (ExtProcClient first = stream()) {
            first.send(requestHeaders(true));
            assertThat(first.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            first.cancel();
        }
        double waitsBefore = metric("sluice_held_bytes_waits_total");
        List<ExtProcClient> uploads = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            ExtProcClient stream = stream();
            uploads.add(stream);
            stream.send(first(requestHeadersForPath("/hold", false), BodySendMode.STREAMED, BodySendMode.NONE));
            assertThat(stream.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            stream.send(requestBody(BODY, true));
        }
        // Two 400 KiB messages fit in 1 MiB; the other four wait with their windows closed.
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> metric("sluice_held_bytes_waits_total") >= waitsBefore + STREAMS - 2);
        double held = metric("sluice_held_bytes");
        assertThat(held).as("held bytes within the budget").isLessThanOrEqualTo(BUDGET).isGreaterThanOrEqualTo(2 * BODY.size());

        // A new exchange on the same connection is answered meanwhile.
        try (ExtProcClient other = stream()) {
            other.send(requestHeaders(true));
            assertThat(other.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            other.cancel();
        }

        TestStages.HoldBody.releaseAll();
        for (ExtProcClient stream : uploads) {
            assertThat(stream.next().getResponseCase()).as("every waiting message is let in and answered")
                    .isEqualTo(ResponseCase.REQUEST_BODY);
            stream.cancel();
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> metric("sluice_held_bytes") == 0);
    }

    private static double metric(String name) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(body);
        assertThat(m.find()).as(name + " in /q/metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
