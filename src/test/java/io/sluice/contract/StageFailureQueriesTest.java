package io.sluice.contract;

import static io.sluice.stagetest.EnvoyMessages.requestHeadersForPath;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.sluice.monitoring.AlertRule;
import io.sluice.monitoring.DashboardPanels;
import io.sluice.monitoring.MonitoringKit;
import io.sluice.monitoring.PromQlSelectors;
import io.sluice.monitoring.SelectorMatcher;
import io.sluice.testing.ExtProcClient;
import io.sluice.testing.PrometheusScrape;

/**
 * {@code sluice_stage_failures_total} exists only once a stage has failed, and no built-in stage fails on its own, so
 * MonitoringIT's real run cannot show it. Here stages of the test profile fail (boom-open) and time out (stall), and
 * every selector of the alerts and the dashboard that reads the meter finds its samples in {@code /q/metrics}.
 */
@QuarkusTest
class StageFailureQueriesTest extends ChannelSupport {

    private static final String METER = "sluice_stage_failures_total";
    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)})? \\S+");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Test
    void everyQueryOnStageFailuresFindsTheFailuresOfAFailingAndAStalledStage() {
        for (String path : List.of("/boom-open", "/stall")) {
            try (ExtProcClient s = stream()) {
                s.send(requestHeadersForPath(path, true));
                assertThat(s.next(Duration.ofSeconds(2)).hasRequestHeaders()).as(path).isTrue();
            }
        }
        List<Map.Entry<String, Map<String, String>>> samples = samples(PrometheusScrape.now().toString());

        List<String> selectors = new ArrayList<>();
        for (AlertRule rule : MonitoringKit.alerts()) {
            selectors.addAll(PromQlSelectors.of(rule.expr()));
        }
        for (DashboardPanels.Panel panel : DashboardPanels.of(MonitoringKit.dashboard())) {
            for (DashboardPanels.Target target : panel.targets()) {
                selectors.addAll(PromQlSelectors.of(DashboardPanels.substitute(target.expr(),
                        Map.of("namespace", "default", "pod", ".*", "__rate_interval", "1m"))));
            }
        }
        List<String> onFailures = selectors.stream().filter(s -> PromQlSelectors.metricName(s).equals(METER)).toList();
        assertThat(onFailures).as("the alerts and the dashboard read " + METER).hasSizeGreaterThanOrEqualTo(3);
        for (String selector : onFailures) {
            SelectorMatcher matcher = new SelectorMatcher(selector);
            assertThat(samples).as(selector).anyMatch(s -> matcher.matches(s.getKey(), s.getValue()));
        }
    }

    static List<Map.Entry<String, Map<String, String>>> samples(String body) {
        List<Map.Entry<String, Map<String, String>>> out = new ArrayList<>();
        Matcher m = SAMPLE.matcher(body);
        while (m.find()) {
            Map<String, String> labels = new HashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            out.add(Map.entry(m.group(1), labels));
        }
        return out;
    }
}
