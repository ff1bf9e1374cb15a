package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.sluice.devmode.EchoUpstream;
import io.sluice.devmode.EnvoyLauncher;
import io.sluice.testing.SluiceProcess;

/**
 * The seed task's curl through the Envoy configuration Envoy Gateway renders from the shipped resources (translated
 * at test time by {@code egctl}, endpoints moved to this machine), in front of a fresh packaged Sluice: Envoy
 * Gateway's 200 ms message timeout, fail-closed filter and 64 KiB windows, not a look-alike. The TLS pattern is not
 * here: its CA comes over SDS from Envoy Gateway, which a static bootstrap would have to stand in for.
 */
class EnvoyGatewayRenderedE2eIT {

    static final String LISTENER = "default/eg/http";

    static Stream<EnvoyGatewayPattern> patterns() {
        return Stream.of(EnvoyGatewayPattern.separateService(), EnvoyGatewayPattern.sidecarLoopback(),
                EnvoyGatewayPattern.sidecarUnixSocket());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patterns")
    void theTasksCurlThroughWhatEnvoyGatewayRenders(EnvoyGatewayPattern pattern) throws Exception {
        Path dir = Files.createDirectories(Path.of(System.getProperty("sluice.build.dir", "target"), "egctl"));
        EnvoyGatewayXds xds = EnvoyGatewayXds.of(Egctl.translate(dir, pattern.yaml()));
        boolean unix = EnvoyGatewayTranslationIT.endpointAddresses(xds, EnvoyGatewayTranslationIT.extProcCluster(xds))
                .get(0).startsWith("unix:");
        int grpcPort = SluiceProcess.freePort();
        // Unix socket paths are limited to 107 bytes: a short temporary directory, not target/.
        Path socket = Files.createTempDirectory("sluice-eg").resolve("ext-proc.sock");
        Map<String, String> config = new HashMap<>(Map.of("quarkus.grpc.server.port", Integer.toString(grpcPort)));
        if (unix) {
            config.put("sluice.uds.path", socket.toString());
        }
        String name = "eg-rendered-" + pattern.name().replaceAll("[^A-Za-z0-9]+", "-");
        try (EchoUpstream upstream = EchoUpstream.standalone();
                SluiceProcess sluice = SluiceProcess.start(name, List.of("-Xmx256m"), config)) {
            int upstreamPort = upstream.startAndAwait("127.0.0.1", 0);
            String bootstrap = EnvoyGatewayBootstrap.of(xds, LISTENER, Map.of(
                    "httproute/default/myapp/rule/0", "127.0.0.1:" + upstreamPort,
                    EnvoyGatewayTranslationIT.extProcCluster(xds), unix ? "unix:" + socket : "127.0.0.1:" + grpcPort));
            try (EnvoyLauncher envoy = EnvoyLauncher.startBootstrap(name, bootstrap)) {
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
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socket.getParent());
        }
    }

    static Response curl(EnvoyLauncher envoy, String path) {
        return RestAssured.given().baseUri("http://127.0.0.1").port(envoy.listenerPort(LISTENER))
                .header("Host", "www.example.com").get(path);
    }
}
