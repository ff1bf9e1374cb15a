package io.sluice.stagetest;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.ReplyAssert.assertReply;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.BodyPhase;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.ModeOverride;
import io.sluice.stage.Outcome;
import io.sluice.stage.RequestHeadersPhase;
import io.sluice.stage.Stage;

/** Each check passes on the reply that has what it names, and fails, showing the reply, on one that has not. */
class ReplyAssertTest {

    static final class Tagger implements Stage {
        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            if (phase.headers().contains("x-deny")) {
                return Outcome.respond(ImmediateReply.status(429).header("retry-after", "1").body("slow down\n")
                        .details("probe_denied").build());
            }
            phase.headers().set("x-set", "1").append("x-append", "2").remove("x-gone");
            phase.emitMetadata("ns", "text", "v");
            phase.emitMetadata("ns", "number", 7);
            phase.emitMetadata("ns", "flag", true);
            phase.overrideMode(ModeOverride.none().withRequestBody(BodySendMode.BUFFERED));
            phase.clearRouteCache();
            return Outcome.proceed();
        }

        @Override
        public Uni<Outcome> onBody(BodyPhase phase) {
            phase.replaceChunk(ByteString.copyFromUtf8(phase.chunk().toStringUtf8().toUpperCase()));
            return Outcome.proceed();
        }
    }

    final StageTestKit kit = StageTestKit.of("tagger", new Tagger());

    @Test
    void checksWhatTheReplyHas() {
        List<ProcessingResponse> replies = kit.exchange(
                first(requestHeaders(false, "x-gone", "a", "x-append", "1"), BodySendMode.STREAMED, BodySendMode.NONE),
                requestBody("abc", true));
        assertReply(replies.get(0)).continues().setsHeader("x-set", "1").setsHeader("x-set").appendsHeader("x-append", "2")
                .removesHeader("x-gone").leavesHeader("x-other").emitsMetadata("ns", "text", "v")
                .emitsMetadata("ns", "number", 7).emitsMetadata("ns", "flag", true).clearsRouteCache()
                .overridesRequestBodyMode(BodySendMode.BUFFERED).overridesResponseBodyMode(BodySendMode.NONE);
        assertReply(replies.get(1)).continues().replacesBodyWith("ABC").leavesHeader("x-set").emitsNoMetadata()
                .overridesNoMode();
        assertReply(kit.reply(requestHeaders("x-deny", "1"))).respondsWith(429).withBody("slow down\n")
                .withDetails("probe_denied").withHeader("retry-after", "1");
    }

    @Test
    void failsOnWhatTheReplyHasNot() {
        ProcessingResponse reply = kit.exchange(first(requestHeaders(false, "x-gone", "a", "x-append", "1"),
                BodySendMode.STREAMED, BodySendMode.NONE)).get(0);
        assertThatThrownBy(() -> assertReply(reply).setsHeader("x-set", "2")).isInstanceOf(AssertionError.class)
                .hasMessageContaining("to set header x-set: 2").hasMessageContaining("x-set");
        assertThatThrownBy(() -> assertReply(reply).setsHeader("x-append", "2")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(reply).appendsHeader("x-set", "1")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(reply).removesHeader("x-set")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(reply).setsHeader("x-other")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(reply).leavesHeader("x-gone")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(reply).emitsMetadata("ns", "number", 8)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(reply).emitsMetadata("other", "text", "v")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(reply).emitsNoMetadata()).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(reply).respondsWith(200)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(reply).withBody("")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(reply).overridesRequestBodyMode(BodySendMode.STREAMED))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(reply).overridesNoMode()).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(reply).clearsBody()).isInstanceOf(AssertionError.class);
        ProcessingResponse denied = kit.reply(requestHeaders("x-deny", "1"));
        assertThatThrownBy(() -> assertReply(denied).continues()).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(denied).respondsWith(403)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertReply(denied).withDetails("other")).isInstanceOf(AssertionError.class);
    }
}
