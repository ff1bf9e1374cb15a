package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** A stage answers 403 with headers and a body; the upstream never sees the request. */
@QuarkusTest
class ImmediateResponseE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        startEnvoy("immediate");
    }

    @Test
    void denyStageAnswersForTheUpstream() {
        long upstreamRequestsBefore = envoy.counterOrZero("cluster.backend.upstream_rq_total");
        throughEnvoy().get("/denied/resource").then()
                .statusCode(403)
                .header("x-denied-by", "sluice")
                .body(equalTo("denied by sluice"));
        assertThat(envoy.counterOrZero("cluster.backend.upstream_rq_total")).isEqualTo(upstreamRequestsBefore);
        assertThat(extProcCounter("immediate_responses_sent")).isPositive();
    }
}
