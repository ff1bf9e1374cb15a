package io.sluice.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The files of the monitoring kit, read from the checkout: the PrometheusRule and ServiceMonitor under
 * {@code kubernetes/monitoring/}, the Grafana dashboard next to them, and the promtool test of the rules.
 */
public final class MonitoringKit {

    public static final String RULES_FILE = "sluice-rules.yaml";
    public static final String RULES_TEST = "sluice-rules-test.yaml";

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private MonitoringKit() {
    }

    /** The project's base directory; surefire and failsafe run there and pass it as {@code basedir}. */
    public static Path root() {
        Path root = Path.of(System.getProperty("basedir", "")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("pom.xml"))) {
            throw new IllegalStateException("not the project root (no pom.xml): " + root);
        }
        return root;
    }

    public static Path folder() {
        return root().resolve("kubernetes").resolve("monitoring");
    }

    public static JsonNode prometheusRule() {
        return readYaml(folder().resolve("prometheusrule.yaml"));
    }

    public static JsonNode serviceMonitor() {
        return readYaml(folder().resolve("servicemonitor.yaml"));
    }

    public static JsonNode dashboard() {
        try {
            return JSON.readTree(folder().resolve("grafana-dashboard.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The promtool unit test of the rules ({@code src/test/resources/prometheus/}). */
    public static Path rulesTest() {
        return root().resolve("src/test/resources/prometheus").resolve(RULES_TEST);
    }

    /** Every alerting rule, in file order; a recording rule fails the read (the kit has none, and nothing tests one). */
    public static List<AlertRule> alerts() {
        List<AlertRule> alerts = new ArrayList<>();
        for (JsonNode group : prometheusRule().path("spec").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (!rule.has("alert")) {
                    throw new IllegalStateException("rule without alert in group " + group.path("name").asText() + ": " + rule);
                }
                alerts.add(new AlertRule(group.path("name").asText(), rule.path("alert").asText(),
                        rule.path("expr").asText().strip(), rule.path("for").asText(""), strings(rule.path("labels")),
                        strings(rule.path("annotations"))));
            }
        }
        return alerts;
    }

    /**
     * The PrometheusRule's {@code spec} as a plain Prometheus rule file ({@code groups:}), which is what the operator
     * hands Prometheus and what promtool reads; written to {@code dir/sluice-rules.yaml}.
     */
    public static Path writeRulesFile(Path dir) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(RULES_FILE);
            YAML.writeValue(file.toFile(), prometheusRule().path("spec"));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
