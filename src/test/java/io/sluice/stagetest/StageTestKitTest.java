package io.sluice.stagetest;

import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.ReplyAssert.assertReply;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.Outcome;
import io.sluice.stage.RequestHeadersPhase;
import io.sluice.stage.Stage;

/** The kit runs a stage under the policy its keys bind, as a pipeline in Sluice would. */
class StageTestKitTest {

    static final class Failing implements Stage {
        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            phase.headers().set("x-half-done", "1");
            return Uni.createFrom().failure(new IllegalStateException("side service down"));
        }
    }

    @Test
    void aFailureIsWhatThePolicyMakesOfIt() {
        assertReply(StageTestKit.of("failing", new Failing(), StageConfig.of(Map.of("sluice.stage.failing.on-failure", "respond",
                "sluice.stage.failing.failure-status", "502"))).reply(requestHeaders()))
                .respondsWith(502).withDetails("sluice_stage_failing_failed");
        assertReply(StageTestKit.of("failing", new Failing(), StageConfig.of(Map.of("sluice.stage.failing.on-failure",
                "fail-open"))).reply(requestHeaders()))
                .continues().leavesHeader("x-half-done");
        assertThatThrownBy(() -> StageTestKit.of("failing", new Failing()).exchange(requestHeaders()))
                .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("side service down");
    }
}
