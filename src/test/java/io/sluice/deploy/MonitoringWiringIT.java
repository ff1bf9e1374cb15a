package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.sluice.monitoring.AlertRule;
import io.sluice.monitoring.MonitoringKit;
import io.sluice.testing.Packaged;

/**
 * The monitoring kit in {@code kubernetes/monitoring/} fits what {@code package} generates: the ServiceMonitor selects
 * the generated Service and scrapes the port and path its {@code prometheus.io/*} annotations name, every query selects
 * the job the ServiceMonitor produces (the Service's name), and the memory thresholds follow the Deployment's JVM
 * settings.
 */
@Packaged
class MonitoringWiringIT {

    private static final Pattern JOB = Pattern.compile("job=\"([^\"]*)\"");
    private static JsonNode service;
    private static JsonNode container;
    private static JsonNode monitor;

    @BeforeAll
    static void read() throws IOException {
        Path file = RepoPaths.buildDir().resolve("kubernetes").resolve("kubernetes.yml");
        List<Manifest> generated = Manifest.of(file.toString(), Files.readString(file));
        service = generated.stream().filter(m -> m.kind().equals("Service")).findFirst().orElseThrow().node();
        JsonNode deployment = generated.stream().filter(m -> m.kind().equals("Deployment")).findFirst().orElseThrow().node();
        container = JsonPaths.values(deployment, "spec.template.spec.containers[]").get(0);
        monitor = MonitoringKit.serviceMonitor();
    }

    @Test
    void serviceMonitorSelectsTheGeneratedService() {
        JsonNode labels = service.path("metadata").path("labels");
        JsonNode wanted = monitor.path("spec").path("selector").path("matchLabels");
        assertThat(wanted.size()).isPositive();
        wanted.fields().forEachRemaining(l -> assertThat(labels.path(l.getKey()).asText()).as(l.getKey())
                .isEqualTo(l.getValue().asText()));
        assertThat(monitor.path("metadata").path("namespace").asText()).isEqualTo(service.path("metadata")
                .path("namespace").asText(SluiceWiring.NAMESPACE));
    }

    @Test
    void serviceMonitorScrapesThePortAndPathTheServiceAnnounces() {
        JsonNode annotations = service.path("metadata").path("annotations");
        List<JsonNode> endpoints = JsonPaths.values(monitor, "spec.endpoints[]");
        assertThat(endpoints).hasSize(1);
        JsonNode endpoint = endpoints.get(0);
        JsonNode port = JsonPaths.values(service, "spec.ports[]").stream()
                .filter(p -> p.path("name").asText().equals(endpoint.path("port").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("the Service has no port " + endpoint.path("port")));
        assertThat(port.path("targetPort").asText()).isEqualTo(annotations.path("prometheus.io/port").asText());
        assertThat(endpoint.path("path").asText()).isEqualTo(annotations.path("prometheus.io/path").asText());
    }

    /** Without jobLabel the operator names the job after the Service; every query must select that job. */
    @Test
    void everyQuerySelectsTheServiceMonitorsJob() {
        assertThat(monitor.path("spec").has("jobLabel")).isFalse();
        String job = service.path("metadata").path("name").asText();
        int seen = 0;
        for (AlertRule rule : MonitoringKit.alerts()) {
            Matcher m = JOB.matcher(rule.expr());
            while (m.find()) {
                assertThat(m.group(1)).as(rule.toString()).isEqualTo(job);
                seen++;
            }
        }
        Matcher m = JOB.matcher(MonitoringKit.dashboard().toString().replace("\\\"", "\""));
        while (m.find()) {
            assertThat(m.group(1)).as("dashboard").isEqualTo(job);
            seen++;
        }
        assertThat(seen).isGreaterThan(20);
    }

    @Test
    void directMemoryAlertFollowsMaxDirectMemorySize() {
        Matcher max = Pattern.compile("-XX:MaxDirectMemorySize=(\\d+)m").matcher(env("JAVA_OPTS_APPEND"));
        assertThat(max.find()).as(env("JAVA_OPTS_APPEND")).isTrue();
        AlertRule rule = alert("SluiceDirectMemoryNearLimit");
        assertThat(rule.expr()).contains("> 0.8 * " + max.group(1) + " * 1024 * 1024");
        assertThat(rule.annotations().get("description")).contains("-XX:MaxDirectMemorySize=" + max.group(1) + "m");
    }

    @Test
    void heapAlertNamesTheHeapShare() {
        assertThat(alert("SluiceHeapNearLimit").annotations().get("description"))
                .contains(env("JAVA_MAX_MEM_RATIO") + "% of the pod's memory");
    }

    private static AlertRule alert(String name) {
        return MonitoringKit.alerts().stream().filter(a -> a.alert().equals(name)).findFirst().orElseThrow();
    }

    private static String env(String name) {
        return JsonPaths.values(container, "env[]").stream().filter(e -> e.path("name").asText().equals(name))
                .map(e -> e.path("value").asText()).findFirst().orElseThrow(() -> new AssertionError("no env " + name));
    }
}
