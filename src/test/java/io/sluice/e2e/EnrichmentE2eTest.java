package io.sluice.e2e;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.sluice.enrichment.EnrichmentService;
import io.sluice.testing.EchoUpstream;
import io.sluice.testing.EnrichmentServer;
import io.sluice.testing.EnrichmentServerResource;
import io.sluice.testing.EnvoyLauncher;

/**
 * Enrichment through a real Envoy with a real enrichment service on loopback: its headers reach the upstream, its
 * metadata reaches the router (a route header from {@code %DYNAMIC_METADATA(io.sluice.enrichment:tier)%}), its denial
 * reaches the client, and an unavailable service fails open with a marker or closed with a 503.
 */
@QuarkusTest
@QuarkusTestResource(EnrichmentServerResource.class)
class EnrichmentE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        warmUpSluice();
        upstream = EchoUpstream.standalone();
        Map<String, String> vars = new HashMap<>(templateVars(upstream.startAndAwait("127.0.0.1", 0)));
        vars.put("MESSAGE_TIMEOUT", "1s");
        vars.put("MAX_MESSAGE_TIMEOUT", "0s");
        envoy = EnvoyLauncher.start("e2e-enrichment", "envoy/enrichment.yaml", vars);
        // The first REST call of a fresh JVM can outlast the 150 ms call timeout; warm the client up first.
        for (int i = 0; i < 50; i++) {
            String tenant = throughEnvoy().get("/enrich-ok/warm-up-" + i).jsonPath().getString("headers.X-Enrichment-Tenant[0]");
            if ("acme".equals(tenant)) {
                return;
            }
        }
        throw new IllegalStateException("enrichment never answered in time during warm-up");
    }

    /** The test profile's breaker opens after 2 failures in 4 calls; each test starts with it closed. */
    @BeforeEach
    void closedBreaker() {
        CircuitBreakerMaintenance.get().reset(EnrichmentService.NAME);
    }

    @Test
    void enrichmentHeadersReachTheUpstreamAndItsMetadataAnEnvoyRouteHeader() {
        throughEnvoy().header("x-user", "alice").get("/enrich-ok/e2e").then()
                .statusCode(200)
                .body("headers.X-Enrichment-Tenant", contains("acme"))
                .body("headers.X-Enrichment-User", contains("ALICE"))
                .body("headers.X-Enrichment-Tier", contains("gold"))
                .body("headers.X-Enrichment", nullValue());
    }

    @Test
    void aDenialIsTheClientsAnswerAndTheUpstreamIsNeverAsked() {
        throughEnvoy().get("/enrich-deny/e2e").then()
                .statusCode(451)
                .header("x-denied-by", "enrichment")
                .body(equalTo("blocked by enrichment"));
    }

    @Test
    void anUnavailableServiceFailsOpenWithAMarkerHeader() {
        throughEnvoy().get("/enrich-error/e2e").then()
                .statusCode(200)
                .body("headers.X-Enrichment", contains("unavailable"))
                .body("headers.X-Enrichment-Tenant", nullValue());
    }

    @Test
    void aFailClosedPipelineAnswers503() {
        int before = EnrichmentServer.current().calls("/strict/enrich-error/e2e");
        throughEnvoy().get("/strict/enrich-error/e2e").then().statusCode(503).body(equalTo("enrichment unavailable\n"));
        org.assertj.core.api.Assertions.assertThat(EnrichmentServer.current().calls("/strict/enrich-error/e2e")).isEqualTo(before + 1);
    }
}
