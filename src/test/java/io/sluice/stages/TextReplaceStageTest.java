package io.sluice.stages;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.requestTrailers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.sluice.stagetest.StageConfig;
import io.sluice.stagetest.StageTestKit;

class TextReplaceStageTest {

    static TextReplaceConfig config() {
        return StageConfig.of(TextReplaceConfig.class, "sluice.stage.text-replace.rules[0].literal=secret",
                "sluice.stage.text-replace.rules[0].replacement=[x]", "sluice.stage.text-replace.directions=request",
                "sluice.stage.text-replace.content-types=text/", "sluice.stage.text-replace.max-match-bytes=64")
                .mapping(TextReplaceConfig.class);
    }

    final StageTestKit kit = StageTestKit.of("text-replace", new TextReplaceStage(config()));

    static String body(ProcessingResponse reply) {
        var mutation = reply.getRequestBody().getResponse().getBodyMutation();
        return mutation.hasBody() || mutation.getClearBody() ? mutation.getBody().toStringUtf8() : null;
    }

    @Test
    void streamedMatchesAcrossChunksAreReplacedAndTheHeldTailIsFlushedAtTheEnd() {
        List<ProcessingResponse> replies = kit.exchange(
                first(requestHeaders(false, "content-type", "text/plain"), BodySendMode.STREAMED, BodySendMode.NONE),
                requestBody("a sec", false), requestBody("ret b secr", false), requestBody("et", true));
        assertThat(body(replies.get(1)) + body(replies.get(2)) + body(replies.get(3))).isEqualTo("a [x] b [x]");
    }

    @Test
    void aBufferedBodyFollowedByTrailersKeepsItsTail() {
        List<ProcessingResponse> replies = kit.exchange(
                first(requestHeaders(false, "content-type", "text/plain"), BodySendMode.BUFFERED, BodySendMode.NONE),
                requestBody("keep the secret tail", false), requestTrailers("x-t", "1"));
        assertThat(body(replies.get(1))).isEqualTo("keep the [x] tail");
    }

    @Test
    void aFullDuplexBodyEndedByTrailersReleasesItsTailAheadOfTheTrailersReply() {
        List<ProcessingResponse> replies = kit.exchange(
                first(requestHeaders(false, "content-type", "text/plain"), BodySendMode.FULL_DUPLEX_STREAMED,
                        BodySendMode.NONE),
                requestBody("a sec", false), requestBody("ret then sec", false), requestTrailers("x-t", "1"));
        StringBuilder body = new StringBuilder();
        int trailers = -1;
        for (int i = 1; i < replies.size(); i++) {
            if (replies.get(i).hasRequestTrailers()) {
                trailers = i;
            } else {
                var streamed = replies.get(i).getRequestBody().getResponse().getBodyMutation().getStreamedResponse();
                assertThat(streamed.getEndOfStream()).isFalse();
                body.append(streamed.getBody().toStringUtf8());
            }
        }
        assertThat(body).hasToString("a [x] then sec");
        assertThat(trailers).as("the trailers reply comes last").isEqualTo(replies.size() - 1);
    }

    @Test
    void aStreamedBodyEndedByTrailersWithAHeldTailEndsTheStreamInsteadOfLosingIt() {
        assertThatThrownBy(() -> kit.exchange(
                first(requestHeaders(false, "content-type", "text/plain"), BodySendMode.STREAMED, BodySendMode.NONE),
                requestBody("tail: sec", false), requestTrailers("x-t", "1")))
                .hasMessageContaining("INTERNAL")
                .hasMessageContaining("released 3 held-back bytes of the request body when request_trailers arrived")
                .hasMessageContaining("FULL_DUPLEX_STREAMED");
    }

    @Test
    void aStreamedBodyEndedByTrailersWithNothingHeldPassesNormally() {
        List<ProcessingResponse> replies = kit.exchange(
                first(requestHeaders(false, "content-type", "text/plain"), BodySendMode.STREAMED, BodySendMode.NONE),
                requestBody("no match here", false), requestTrailers("x-t", "1"));
        assertThat(replies).hasSize(3);
        assertThat(replies.get(2).hasRequestTrailers()).isTrue();
    }

    @Test
    void otherContentTypesPassUntouched() {
        List<ProcessingResponse> replies = kit.exchange(
                first(requestHeaders(false, "content-type", "image/png"), BodySendMode.STREAMED, BodySendMode.NONE),
                requestBody("secret", true));
        assertThat(body(replies.get(1))).isNull();
    }
}
