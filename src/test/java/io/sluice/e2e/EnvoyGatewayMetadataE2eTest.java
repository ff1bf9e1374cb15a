package io.sluice.e2e;

import static org.hamcrest.Matchers.contains;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The default pipeline's Envoy Gateway behaviours with a route name, an RBAC filter's metadata, forwarding
 * and receiving namespaces, and headers filled from {@code %DYNAMIC_METADATA(...)%} by later Envoy steps.
 */
@QuarkusTest
class EnvoyGatewayMetadataE2eTest extends EnvoyE2eSupport {

    static final String ROUTE = "httproute/default/myapp/rule/0/match/0/www_example_com";

    @BeforeAll
    static void envoy() {
        startEnvoy("eg-metadata");
    }

    @Test
    void requestSideTagsReachTheUpstream() {
        throughEnvoy().header("x-request-client-header", "original").get("/myapp").then()
                .statusCode(200)
                .body("headers.X-Request-Ext-Processed", contains("true"))
                .body("headers.X-Request-Xds-Route-Name", contains(ROUTE))
                .body("headers.X-Request-Client-Header", contains("mutated"))
                .body("headers.X-Request-Client-Header-Received", contains("original"))
                // The router filled this from the metadata Sluice emitted on request headers.
                .body("headers.X-Route-Metadata", contains("received"));
    }

    @Test
    void responseSideTagsReachTheClient() {
        throughEnvoy().get("/myapp").then()
                .statusCode(200)
                .header("x-response-ext-processed", "true")
                .header("x-response-xds-route-name", ROUTE)
                .header("x-response-rbac-result-metadata", "allowed")
                .header("x-response-request-path", "/myapp")
                // A later filter filled this from the metadata Sluice emitted on response headers.
                .header("x-response-cost", "10");
    }
}
