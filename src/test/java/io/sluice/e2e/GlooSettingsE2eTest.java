package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Gloo's documented settings: request headers SEND, response headers SKIP, failureModeAllow false,
 * allowModeOverride false; attributes arrive at the top level of ProcessingRequest.
 */
@QuarkusTest
class GlooSettingsE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        startEnvoy("gloo");
    }

    @Test
    void requestHeadersAreProcessedWithTopLevelAttributesAndResponsesAreNot() {
        throughEnvoy().get("/myapp").then()
                .statusCode(200)
                .body("headers.X-Request-Ext-Processed", contains("true"))
                .body("headers.X-Request-Xds-Route-Name", contains("httproute/default/myapp/rule/0/match/0/www_example_com"))
                .header("x-response-ext-processed", nullValue());
        assertThat(extProcCounter("streams_failed")).isZero();
        assertThat(extProcCounter("spurious_msgs_received")).isZero();
    }
}
