package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.sluice.devmode.EchoUpstream;
import io.sluice.devmode.EnvoyLauncher;
import io.sluice.testing.SluiceProcess;

/**
 * The seed task's curl through the Envoy configuration Envoy Gateway renders from the shipped separate-Service
 * resources (translated at test time by {@code egctl}, endpoints moved to loopback), in front of a fresh packaged
 * Sluice: Envoy Gateway's 200 ms message timeout, fail-closed filter and 64 KiB windows, not a look-alike.
 */
class EnvoyGatewayRenderedE2eIT {

    static final String LISTENER = "default/eg/http";

    @Test
    void theTasksCurlThroughWhatEnvoyGatewayRenders() throws Exception {
        Path dir = Files.createDirectories(Path.of(System.getProperty("sluice.build.dir", "target"), "egctl"));
        EnvoyGatewayXds xds = EnvoyGatewayXds.of(Egctl.translate(dir, EnvoyGatewayPattern.separateService().yaml()));
        int grpcPort = SluiceProcess.freePort();
        try (EchoUpstream upstream = EchoUpstream.standalone();
                SluiceProcess sluice = SluiceProcess.start("eg-rendered", List.of("-Xmx256m"),
                        Map.of("quarkus.grpc.server.port", Integer.toString(grpcPort)))) {
            int upstreamPort = upstream.startAndAwait("127.0.0.1", 0);
            String bootstrap = EnvoyGatewayBootstrap.of(xds, LISTENER, Map.of(
                    "httproute/default/myapp/rule/0", upstreamPort,
                    EnvoyGatewayTranslationIT.extProcCluster(xds), grpcPort));
            try (EnvoyLauncher envoy = EnvoyLauncher.startBootstrap("eg-rendered", bootstrap)) {
                // The first request to a Sluice that has just become ready, as after a rollout.
                Response first = curl(envoy, "/myapp");
                first.then().statusCode(200)
                        .header("x-response-ext-processed", "true")
                        .body("path", equalTo("/myapp"))
                        .body("host", equalTo("www.example.com"))
                        .body("headers.X-Request-Ext-Processed", contains("true"));
                // Envoy Gateway sends no attributes unless the policy asks: the demo's attribute headers stay away.
                assertThat(first.headers().asList()).extracting(h -> h.getName().toLowerCase())
                        .doesNotContain("x-response-xds-route-name", "x-response-request-path");
                // Only the policy's route is processed: another host is not routed at all.
                RestAssured.given().baseUri("http://127.0.0.1").port(envoy.listenerPort(LISTENER))
                        .header("Host", "other.example.com").get("/myapp").then().statusCode(404);
                assertThat(PackagedEnvoys.extProcCounter(envoy, "streams_failed")).isZero();
                assertThat(PackagedEnvoys.extProcCounter(envoy, "streams_started")).isOne();
            }
        }
    }

    static Response curl(EnvoyLauncher envoy, String path) {
        return RestAssured.given().baseUri("http://127.0.0.1").port(envoy.listenerPort(LISTENER))
                .header("Host", "www.example.com").get(path);
    }
}
