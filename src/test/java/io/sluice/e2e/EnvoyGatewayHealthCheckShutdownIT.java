package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.runtime.configuration.DurationConverter;
import io.sluice.testing.Packaged;
import io.smallrye.config.WithDefault;
import io.sluice.lifecycle.ShutdownBudget;
import io.sluice.lifecycle.ShutdownConfig;
import io.sluice.testing.EchoUpstream;
import io.sluice.testing.EnvoyLauncher;
import io.sluice.testing.SluiceProcess;

/**
 * Sluice's shutdown defaults against the active health check Envoy Gateway renders for a policy with
 * {@code backendSettings.healthCheck.active.type: GRPC} and nothing else set: Envoy marks Sluice down before Sluice
 * refuses new streams, and the whole shutdown fits the generated Deployment's grace period.
 */
@Packaged
class EnvoyGatewayHealthCheckShutdownIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    static final Duration DELAY = declaredDefault("delay");
    static final Duration DRAIN_TIMEOUT = declaredDefault("drainTimeout");
    static final Duration GRACE_PERIOD = declaredDefault("gracePeriod");

    /**
     * The arithmetic: the last of {@code unhealthyThreshold} failing checks {@code interval} apart comes at most
     * interval x threshold after Sluice turns NOT_SERVING (Envoy Gateway renders no jitter); the default delay must be
     * longer, and delay, drain and margin must fit the manifest's grace period, which the grace-period default names.
     */
    @Test
    void theDefaultDelayOutlastsTheRenderedHealthCheckAndFitsTheGracePeriod() throws Exception {
        JsonNode check = renderedHealthCheck(EnvoyGatewayXds.of(Egctl.translate(
                EnvoyGatewayPattern.separateService().withActiveGrpcHealthCheck().yaml())));
        assertThat(check.path("grpcHealthCheck").path("serviceName").asText("")).as("the service Envoy asks for").isEmpty();
        assertThat(check.has("intervalJitter") || check.has("intervalJitterPercent")).as("jitter in " + check).isFalse();
        Duration interval = DurationConverter.parseDuration(check.path("interval").asText());
        Duration markedDown = interval.multipliedBy(check.path("unhealthyThreshold").asInt());
        assertThat(markedDown).as("Envoy Gateway's interval x unhealthy threshold, " + check).isEqualTo(Duration.ofSeconds(9));
        assertThat(DELAY).as(ShutdownConfig.DELAY + " default").isGreaterThan(markedDown);

        Duration manifest = GeneratedDeployment.read().terminationGracePeriod();
        assertThat(GRACE_PERIOD).as(ShutdownConfig.GRACE_PERIOD + " default against the generated Deployment").isEqualTo(manifest);
        ShutdownBudget.check(DELAY, DRAIN_TIMEOUT, manifest);

        // Quarkus' own pre-shutdown delay falls back to the same default when the key is unset.
        Properties application = new Properties();
        // The main file: the class loader would find src/test/resources' application.properties first.
        try (InputStream in = Files.newInputStream(Path.of(System.getProperty("sluice.build.dir", "target"), "classes",
                "application.properties"))) {
            application.load(in);
        }
        assertThat(application.getProperty("quarkus.shutdown.delay"))
                .isEqualTo("${" + ShutdownConfig.DELAY + ":" + DELAY.toSeconds() + "s}");
    }

    /**
     * The same, run: a packaged Sluice with the default delay behind an Envoy on what Envoy Gateway renders with that
     * health check. After SIGTERM, Envoy's active check marks Sluice down ({@code /failed_active_hc}) before the delay
     * ends and before Sluice's GOAWAY, and Sluice exits within delay plus drain timeout.
     */
    @Test
    void envoyMarksSluiceDownBeforeItRefusesNewStreams() throws Exception {
        EnvoyGatewayXds xds = EnvoyGatewayXds.of(Egctl.translate(
                EnvoyGatewayPattern.separateService().withActiveGrpcHealthCheck().yaml()));
        String cluster = EnvoyGatewayTranslationIT.extProcCluster(xds);
        try (EchoUpstream upstream = EchoUpstream.standalone();
                SluiceProcess sluice = SluiceProcess.start("eg-health-check-shutdown", List.of("-Xmx256m"),
                        Map.of(ShutdownConfig.DELAY, DELAY.toMillis() + "ms"))) {
            ObjectNode bootstrap = (ObjectNode) JSON.readTree(EnvoyGatewayBootstrap.forSluice(xds,
                    upstream.startAndAwait("127.0.0.1", 0), "127.0.0.1:" + sluice.grpcPort()));
            // Until a cluster has made a connection Envoy checks every no_traffic_interval (60 s, which Envoy Gateway
            // leaves unset) instead of the interval; a pod's cluster has long had traffic, a test's just started.
            bootstrap.findValues("healthChecks").forEach(checks -> checks.forEach(
                    c -> ((ObjectNode) c).put("noTrafficInterval", c.path("interval").asText())));
            try (EnvoyLauncher envoy = EnvoyLauncher.startBootstrap("eg-health-check-shutdown", bootstrap.toPrettyString())) {
                envoy.awaitClusterHealthy(cluster, Duration.ofSeconds(10));

                long terminated = System.nanoTime();
                sluice.terminate();
                Duration deadline = DELAY.plusSeconds(5);
                while (!envoy.clusterHealthFlags(cluster).contains("/failed_active_hc")
                        && System.nanoTime() - terminated < deadline.toNanos()) {
                    Thread.sleep(100);
                }
                Duration markedDown = Duration.ofNanos(System.nanoTime() - terminated);
                String log = sluice.log();
                assertThat(envoy.clusterHealthFlags(cluster)).as("Envoy's view of Sluice %d ms after SIGTERM",
                        markedDown.toMillis()).containsExactly("/failed_active_hc");
                assertThat(markedDown).as("marked down within the delay").isLessThan(DELAY);
                assertThat(log).as("Sluice went unhealthy").contains("Shutdown: readiness DOWN, gRPC health NOT_SERVING")
                        .as("and had not yet refused new streams when Envoy marked it down")
                        .doesNotContain("Shutdown: refusing new ext_proc streams");
                assertThat(sluice.awaitExit(DELAY.plus(DRAIN_TIMEOUT).plus(ShutdownBudget.MARGIN))).as("exited in time")
                        .isTrue();
            }
        }
    }

    private static JsonNode renderedHealthCheck(EnvoyGatewayXds xds) {
        JsonNode checks = xds.cluster(EnvoyGatewayTranslationIT.extProcCluster(xds)).path("healthChecks");
        assertThat(checks).as("health checks Envoy Gateway renders").hasSize(1);
        return checks.path(0);
    }

    /** The default {@link ShutdownConfig} declares: what a deployment gets when it sets nothing. */
    private static Duration declaredDefault(String method) {
        try {
            return DurationConverter.parseDuration(
                    ShutdownConfig.class.getMethod(method).getAnnotation(WithDefault.class).value());
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }
}
