package io.sluice.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.sluice.testing.Packaged;

/**
 * promtool on the alerts of {@code kubernetes/monitoring/prometheusrule.yaml}: the rule file Prometheus would load from
 * it is valid ({@code check rules}), and every alert fires on the series of {@code sluice-rules-test.yaml} that should
 * fire it, with the annotations it should render, and on no others ({@code test rules}). An IT because promtool is
 * provided before the integration tests.
 */
@Packaged
class PrometheusRulesIT {

    static Path dir;

    @BeforeAll
    static void writeRules() throws IOException {
        dir = Path.of("target", "monitoring", "rules").toAbsolutePath();
        MonitoringKit.writeRulesFile(dir);
        Files.copy(MonitoringKit.rulesTest(), dir.resolve(MonitoringKit.RULES_TEST), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void rulesAreValid() {
        PrometheusTools.Result result = PrometheusTools.promtool(dir, null, "check", "rules", MonitoringKit.RULES_FILE);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + MonitoringKit.alerts().size() + " rules found");
    }

    @Test
    void everyAlertPassesItsUnitTests() {
        PrometheusTools.Result result = PrometheusTools.promtool(dir, null, "test", "rules", MonitoringKit.RULES_TEST);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }
}
