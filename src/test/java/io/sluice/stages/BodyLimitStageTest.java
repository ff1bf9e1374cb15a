package io.sluice.stages;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.responseBody;
import static io.sluice.stagetest.EnvoyMessages.responseHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse.ResponseCase;
import io.sluice.stagetest.StageConfig;
import io.sluice.stagetest.StageTestKit;

class BodyLimitStageTest {

    static BodyLimitConfig limits(long request, long response) {
        return StageConfig.of(BodyLimitConfig.class, "sluice.stage.body-limit.max-request-bytes=" + request,
                "sluice.stage.body-limit.max-response-bytes=" + response).mapping(BodyLimitConfig.class);
    }

    final StageTestKit kit = StageTestKit.of("body-limit", new BodyLimitStage(limits(10, 6)));

    @Test
    void countsAcrossChunksAndAnswers413TheMomentTheLimitIsPassed() {
        List<ProcessingResponse> replies = kit.exchange(
                first(requestHeaders(false), BodySendMode.STREAMED, BodySendMode.NONE),
                requestBody("1234", false),
                requestBody("5678", false),
                requestBody("9abc", false),
                requestBody("never answered", true));
        assertThat(replies).extracting(ProcessingResponse::getResponseCase).containsExactly(
                ResponseCase.REQUEST_HEADERS, ResponseCase.REQUEST_BODY, ResponseCase.REQUEST_BODY,
                ResponseCase.IMMEDIATE_RESPONSE);
        assertThat(replies.get(3).getImmediateResponse().getStatus().getCodeValue()).isEqualTo(413);
        assertThat(replies.get(3).getImmediateResponse().getBody().toStringUtf8()).isEqualTo("request body exceeds 10 bytes\n");
    }

    @Test
    void directionsAreCountedSeparately() {
        List<ProcessingResponse> replies = kit.exchange(
                first(requestHeaders(false), BodySendMode.STREAMED, BodySendMode.STREAMED),
                requestBody("12345678", true),
                responseHeaders(false),
                responseBody("1234", false),
                responseBody("567", true));
        assertThat(replies.get(1).getResponseCase()).isEqualTo(ResponseCase.REQUEST_BODY);
        assertThat(replies.get(3).getResponseCase()).isEqualTo(ResponseCase.RESPONSE_BODY);
        assertThat(replies.get(4).getImmediateResponse().getStatus().getCodeValue()).isEqualTo(502);
    }
}
