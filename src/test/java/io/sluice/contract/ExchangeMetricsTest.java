package io.sluice.contract;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.requestHeadersForPath;
import static io.sluice.stagetest.EnvoyMessages.responseBody;
import static io.sluice.stagetest.EnvoyMessages.responseHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse.ResponseCase;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.sluice.testing.ExtProcClient;
import io.sluice.testing.PrometheusScrape;

/** Each meter of the README's table moves as a known exchange says it must (read through /q/metrics). */
@QuarkusTest
class ExchangeMetricsTest extends ChannelSupport {

    @Test
    void bodiesStagesMessagesAndStreamsAreCounted() {
        PrometheusScrape before = PrometheusScrape.now();
        try (ExtProcClient s = stream()) {
            // The "upper" pipeline upper-cases bodies in both directions: every byte in comes back out.
            s.send(first(requestHeadersForPath("/upper", false), BodySendMode.BUFFERED, BodySendMode.STREAMED));
            assertThat(s.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            s.send(requestBody("hello", true));
            assertThat(s.next().getRequestBody().getResponse().getBodyMutation().getBody().toStringUtf8()).isEqualTo("HELLO");
            s.send(responseHeaders(false));
            assertThat(s.next().getResponseCase()).isEqualTo(ResponseCase.RESPONSE_HEADERS);
            s.send(responseBody("abc", false));
            s.send(responseBody("de", true));
            assertThat(s.next().getResponseCase()).isEqualTo(ResponseCase.RESPONSE_BODY);
            assertThat(s.next().getResponseCase()).isEqualTo(ResponseCase.RESPONSE_BODY);
            s.halfClose();
            assertThat(s.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        }
        PrometheusScrape after = PrometheusScrape.now();

        assertThat(delta(before, after, "sluice_streams_started_total")).isEqualTo(1);
        assertThat(delta(before, after, "sluice_body_bytes_total", "direction", "request", "flow", "in")).isEqualTo(5);
        assertThat(delta(before, after, "sluice_body_bytes_total", "direction", "request", "flow", "out")).isEqualTo(5);
        assertThat(delta(before, after, "sluice_body_bytes_total", "direction", "response", "flow", "in")).isEqualTo(5);
        assertThat(delta(before, after, "sluice_body_bytes_total", "direction", "response", "flow", "out")).isEqualTo(5);
        // Messages by phase: the count of the per-message timer.
        assertThat(delta(before, after, "sluice_message_duration_seconds_count", "phase", "request_headers", "pipeline", "upper"))
                .isEqualTo(1);
        assertThat(delta(before, after, "sluice_message_duration_seconds_count", "phase", "response_body", "pipeline", "upper"))
                .isEqualTo(2);
        assertThat(after.count("sluice_message_duration_seconds_bucket", "phase", "response_body", "pipeline", "upper"))
                .as("a percentile histogram is published").isGreaterThan(10);
        // upper-body implements only the body hooks: it has no request_headers timer.
        assertThat(delta(before, after, "sluice_stage_duration_seconds_count", "stage", "upper-body", "phase", "request_body"))
                .isEqualTo(1);
        assertThat(delta(before, after, "sluice_stage_duration_seconds_count", "stage", "upper-body", "phase", "response_body"))
                .isEqualTo(2);
        assertThat(after.count("sluice_stage_duration_seconds_bucket", "stage", "upper-body", "phase", "response_body"))
                .isGreaterThan(10);
    }

    @Test
    void modeOverridesAreCountedByDirectionAndMode() {
        PrometheusScrape before = PrometheusScrape.now();
        try (ExtProcClient s = stream()) {
            s.send(first(requestHeadersForPath("/override", false), BodySendMode.NONE, BodySendMode.NONE));
            assertThat(s.next().getModeOverride().getRequestBodyMode()).isEqualTo(BodySendMode.STREAMED);
            s.halfClose();
            assertThat(s.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        }
        PrometheusScrape after = PrometheusScrape.now();
        assertThat(delta(before, after, "sluice_mode_overrides_total", "direction", "request", "mode", "body_streamed"))
                .isEqualTo(1);
        assertThat(delta(before, after, "sluice_mode_overrides_total", "direction", "response")).isZero();
    }

    @Test
    void streamErrorsAreCountedByCause() throws InterruptedException {
        PrometheusScrape before = PrometheusScrape.now();
        assertThat(endWith(ProcessingRequest.getDefaultInstance())).isEqualTo(Status.Code.INVALID_ARGUMENT);
        try (ExtProcClient s = stream()) {
            s.send(requestHeaders(false));
            s.next();
            s.send(requestHeaders(false));
            assertThat(s.awaitClose().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        }
        try (ExtProcClient s = stream()) {
            s.send(first(requestHeaders(false), BodySendMode.BUFFERED, BodySendMode.NONE));
            s.next();
            s.send(requestBody(ByteString.copyFrom(new byte[9 * 1024 * 1024]), true));
            assertThat(s.awaitClose().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        }
        assertThat(endWith(requestHeadersForPath("/boom-grpc", true))).isEqualTo(Status.Code.INTERNAL);
        try (ExtProcClient s = stream()) {
            s.send(first(requestHeaders(false), BodySendMode.FULL_DUPLEX_STREAMED, BodySendMode.NONE));
            s.next();
            s.send(requestBody("some", false));
            s.next();
            // Nothing more from "Envoy": the test profile's 1 s idle timeout ends the stream.
            assertThat(s.awaitClose().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        }
        PrometheusScrape after = PrometheusScrape.now();
        assertThat(delta(before, after, "sluice_stream_errors_total", "cause", "malformed")).isEqualTo(1);
        assertThat(delta(before, after, "sluice_stream_errors_total", "cause", "out_of_order")).isEqualTo(1);
        assertThat(delta(before, after, "sluice_stream_errors_total", "cause", "over_limit")).isEqualTo(1);
        assertThat(delta(before, after, "sluice_stream_errors_total", "cause", "stage")).isEqualTo(1);
        assertThat(delta(before, after, "sluice_stream_errors_total", "cause", "idle_timeout")).isEqualTo(1);
        assertThat(delta(before, after, "sluice_stream_errors_total", "cause", "internal")).isZero();
    }

    private Status.Code endWith(ProcessingRequest request) {
        try (ExtProcClient s = stream()) {
            s.send(request);
            return s.awaitClose().getCode();
        }
    }

    private static double delta(PrometheusScrape before, PrometheusScrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
