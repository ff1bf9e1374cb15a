package io.sluice.exchange;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.header;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.BodyPhase;
import io.sluice.stage.BufferedBodyPhase;
import io.sluice.stage.Outcome;
import io.sluice.stage.Stage;
import io.sluice.stagetest.StageTestKit;
import io.sluice.testing.TestStages;

/** Body replies: header mutations only while Envoy holds the headers, and content-length kept right in BUFFERED. */
class BodyMessagesTest {

    final StageTestKit grow = StageTestKit.of("grow-body", new TestStages.GrowBody());

    @Test
    void bufferedReplacementKeepsContentLengthRight() {
        List<ProcessingResponse> replies = grow.exchange(
                first(requestHeaders(false, "content-length", "5"), BodySendMode.BUFFERED, BodySendMode.NONE),
                requestBody("hello", true));
        var body = replies.get(1).getRequestBody().getResponse();
        assertThat(body.getBodyMutation().getBody().toStringUtf8()).isEqualTo("hello" + TestStages.GrowBody.SUFFIX);
        assertThat(header(body.getHeaderMutation(), "content-length"))
                .isEqualTo(Integer.toString(5 + TestStages.GrowBody.SUFFIX.length()));
    }

    @Test
    void streamedAndPartialModesLeaveContentLengthToEnvoy() {
        for (BodySendMode mode : List.of(BodySendMode.STREAMED, BodySendMode.BUFFERED_PARTIAL)) {
            List<ProcessingResponse> replies = grow.exchange(
                    first(requestHeaders(false, "content-length", "5"), mode, BodySendMode.NONE),
                    requestBody("hello", true));
            assertThat(replies.get(1).getRequestBody().getResponse().hasHeaderMutation()).as(mode.name()).isFalse();
        }
    }

    @Test
    void headersCanChangeInABufferedBodyButNotInAStreamedOne() {
        AtomicReference<Boolean> offered = new AtomicReference<>();
        Stage tagger = new Stage() {
            @Override
            public Uni<Outcome> onRequestBody(BodyPhase phase) {
                offered.set(phase instanceof BufferedBodyPhase);
                if (phase instanceof BufferedBodyPhase buffered) {
                    buffered.headers().set("x-body-seen", Integer.toString(phase.chunk().size()));
                }
                return Outcome.proceed();
            }
        };
        StageTestKit kit = StageTestKit.of("tagger", tagger);

        var buffered = kit.exchange(first(requestHeaders(false), BodySendMode.BUFFERED, BodySendMode.NONE),
                requestBody("12345", true)).get(1).getRequestBody().getResponse();
        assertThat(header(buffered.getHeaderMutation(), "x-body-seen")).isEqualTo("5");
        assertThat(offered.get()).as("a BUFFERED body offers the headers Envoy still holds").isTrue();

        var streamed = kit.exchange(first(requestHeaders(false), BodySendMode.STREAMED, BodySendMode.NONE),
                requestBody("12345", true)).get(1).getRequestBody().getResponse();
        assertThat(streamed.hasHeaderMutation()).isFalse();
        assertThat(offered.get()).as("a STREAMED body does not offer the headers Envoy has sent on").isFalse();
    }
}
