package io.sluice.stages;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.header;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.requestTrailers;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.sluice.stagetest.StageConfig;
import io.sluice.stagetest.StageTestKit;

class JsonRedactStageTest {

    static JsonRedactConfig config(String fields, int maxBody) {
        return StageConfig.of(JsonRedactConfig.class, "sluice.stage.json-redact.fields=" + fields,
                "sluice.stage.json-redact.max-body-bytes=" + maxBody).mapping(JsonRedactConfig.class);
    }

    static final String DOC = "{\"user\":{\"name\":\"ada\",\"password\":\"hunter2\",\"cards\":[{\"pan\":\"4111\",\"exp\":\"12/30\"},"
            + "{\"pan\":\"5500\",\"exp\":\"01/31\"}]},\"password\":{\"nested\":true},\"list\":[\"password\"]}";

    final StageTestKit kit = StageTestKit.of("json-redact",
            new JsonRedactStage(config("password,/user/cards/*/pan", 1 << 20)));

    @Test
    void masksNamedFieldsAtAnyDepthAndPointersWithWildcardsInABufferedBody() {
        List<ProcessingResponse> replies = kit.exchange(
                first(requestHeaders(false, "content-type", "application/json", "content-length", Integer.toString(DOC.length())),
                        BodySendMode.BUFFERED, BodySendMode.NONE),
                requestBody(DOC, true));
        var body = replies.get(1).getRequestBody().getResponse();
        String redacted = body.getBodyMutation().getBody().toStringUtf8();
        assertThat(redacted).isEqualTo("{\"user\":{\"name\":\"ada\",\"password\":\"***\",\"cards\":[{\"pan\":\"***\",\"exp\":\"12/30\"},"
                + "{\"pan\":\"***\",\"exp\":\"01/31\"}]},\"password\":\"***\",\"list\":[\"password\"]}");
        assertThat(header(body.getHeaderMutation(), "content-length")).isEqualTo(Integer.toString(redacted.length()));
    }

    @Test
    void aStreamedBodyIsHeldAndGoesOutRedactedWithTheLastChunk() {
        List<ProcessingResponse> replies = kit.exchange(
                first(requestHeaders(false, "content-type", "application/json"), BodySendMode.STREAMED, BodySendMode.NONE),
                requestBody(DOC.substring(0, 20), false),
                requestBody(DOC.substring(20, 70), false),
                requestBody(DOC.substring(70), true));
        assertThat(replies.get(1).getRequestBody().getResponse().getBodyMutation().getClearBody()).isTrue();
        assertThat(replies.get(2).getRequestBody().getResponse().getBodyMutation().getClearBody()).isTrue();
        assertThat(replies.get(3).getRequestBody().getResponse().getBodyMutation().getBody().toStringUtf8())
                .contains("\"password\":\"***\"").doesNotContain("hunter2").doesNotContain("4111");
    }

    @Test
    void nonJsonBodiesAndOtherContentTypesPassUnchanged() {
        var notJson = kit.exchange(first(requestHeaders(false, "content-type", "application/json"), BodySendMode.BUFFERED,
                BodySendMode.NONE), requestBody("{broken", true)).get(1).getRequestBody().getResponse();
        assertThat(notJson.hasBodyMutation()).isFalse();
        var text = kit.exchange(first(requestHeaders(false, "content-type", "text/plain"), BodySendMode.BUFFERED,
                BodySendMode.NONE), requestBody(DOC, true)).get(1).getRequestBody().getResponse();
        assertThat(text.hasBodyMutation()).isFalse();
    }

    @Test
    void aBodyTooLargeToHoldIsRefusedNotForwardedUnredacted() {
        StageTestKit small = StageTestKit.of("json-redact", new JsonRedactStage(config("password", 40)));
        List<ProcessingResponse> replies = small.exchange(
                first(requestHeaders(false, "content-type", "application/json"), BodySendMode.STREAMED, BodySendMode.NONE),
                requestBody(DOC.substring(0, 30), false),
                requestBody(DOC.substring(30), true));
        assertThat(replies.get(2).getImmediateResponse().getStatus().getCodeValue()).isEqualTo(413);
    }

    @Test
    void aBufferedBodyFollowedByTrailersIsRedactedNotHeldForever() {
        List<ProcessingResponse> replies = kit.exchange(
                first(requestHeaders(false, "content-type", "application/json"), BodySendMode.BUFFERED, BodySendMode.NONE),
                requestBody(DOC, false),
                requestTrailers("x-checksum", "1"));
        assertThat(replies.get(1).getRequestBody().getResponse().getBodyMutation().getBody().toStringUtf8())
                .contains("\"password\":\"***\"").doesNotContain("hunter2");
    }
}
