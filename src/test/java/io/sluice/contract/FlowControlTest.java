package io.sluice.contract;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeadersForPath;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse.ResponseCase;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.sluice.testing.ExtProcClient;

/**
 * A client that floods a stream with body chunks against a deliberately slow stage: gRPC flow control must
 * push back on the client, and Sluice must never hold more than {@code sluice.exchange.max-in-flight} messages.
 */
@QuarkusTest
class FlowControlTest extends ChannelSupport {

    private static final int CHUNKS = 400;
    private static final int CHUNK_SIZE = 16 * 1024;

    @ConfigProperty(name = "sluice.exchange.max-in-flight")
    int maxInFlight;

    @Test
    void floodAgainstSlowStageIsBoundedAndPushesBack() {
        ByteString chunk = ByteString.copyFrom(new byte[CHUNK_SIZE]);
        try (ExtProcClient s = stream()) {
            s.send(first(requestHeadersForPath("/slow", false), BodySendMode.STREAMED, BodySendMode.NONE));
            assertThat(s.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            // 6.4 MiB offered at once, far more than gRPC's flow-control window; the stage needs ~4 ms per chunk.
            for (int i = 0; i < CHUNKS; i++) {
                s.isReady();
                s.send(requestBody(chunk, i == CHUNKS - 1));
            }
            for (int i = 0; i < CHUNKS; i++) {
                assertThat(s.next(Duration.ofSeconds(20)).getResponseCase()).isEqualTo(ResponseCase.REQUEST_BODY);
            }
            assertThat(s.sawBackpressure()).as("gRPC told the flooding client to stop sending").isTrue();
            s.halfClose();
            assertThat(s.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        }
        double maxHeld = metric("sluice_stream_held_messages_max");
        assertThat(maxHeld).as("messages held at once by any stream").isGreaterThan(1).isLessThanOrEqualTo(maxInFlight);
    }

    private static double metric(String name) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(body);
        assertThat(m.find()).as(name + " in /q/metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
