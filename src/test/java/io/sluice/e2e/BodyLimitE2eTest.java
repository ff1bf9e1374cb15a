package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** The body-limit stage stops a streamed upload as soon as it passes the limit (64 KiB in the test profile). */
@QuarkusTest
class BodyLimitE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        startEnvoy("streamed-request");
    }

    @Test
    void anUploadOverTheLimitGets413AndNeverReachesTheUpstream() {
        long upstreamBefore = envoy.counterOrZero("cluster.backend.upstream_rq_completed");
        throughEnvoy().contentType("application/octet-stream").body(new byte[1024 * 1024]).post("/limited/upload")
                .then().statusCode(413)
                .body(equalTo("request body exceeds 65536 bytes\n"));
        assertThat(envoy.counterOrZero("cluster.backend.upstream_rq_completed")).isEqualTo(upstreamBefore);
    }

    @Test
    void anUploadUnderTheLimitPasses() {
        throughEnvoy().contentType("application/octet-stream").body(new byte[60 * 1024]).post("/limited/upload")
                .then().statusCode(200)
                .body("body.bytes", equalTo(60 * 1024));
    }
}
