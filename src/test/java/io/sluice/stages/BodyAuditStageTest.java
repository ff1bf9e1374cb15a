package io.sluice.stages;

import static io.sluice.stagetest.EnvoyMessages.observed;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sluice.stagetest.StageTestKit;

class BodyAuditStageTest {

    @Test
    void recordsBodySizesInObservabilityModeWithoutReplying() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StageTestKit kit = StageTestKit.of("body-audit", new BodyAuditStage(registry));
        assertThat(kit.exchange(observed(requestHeaders(false)), observed(requestBody("abc", false)),
                observed(requestBody("defg", true)))).isEmpty();
        var sizes = registry.get("sluice.body.audit.bytes").tag("direction", "request").summary();
        assertThat(sizes.count()).isEqualTo(1);
        assertThat(sizes.totalAmount()).isEqualTo(7);
    }
}
