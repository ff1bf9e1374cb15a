package io.sluice.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What an on-call engineer needs from each alert is there: a severity, a summary, a description and a runbook section
 * in the README that {@code runbook_url} points at; and the promtool test covers each alert both ways.
 */
class AlertRulesTest {

    private static final List<AlertRule> ALERTS = MonitoringKit.alerts();
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?) *$");

    @Test
    void everyAlertHasSeveritySummaryDescriptionAndRunbook() {
        assertThat(ALERTS).hasSizeGreaterThanOrEqualTo(10);
        for (AlertRule rule : ALERTS) {
            assertThat(rule.labels().get("severity")).as(rule.toString()).isIn("warning", "critical");
            assertThat(rule.annotations().get("summary")).as(rule.toString()).isNotBlank();
            assertThat(rule.annotations().get("description")).as(rule.toString()).isNotBlank();
            assertThat(rule.annotations().get("runbook_url")).as(rule.toString())
                    .isEqualTo("README.md#" + rule.alert().toLowerCase(Locale.ROOT));
        }
        assertThat(ALERTS).extracting(AlertRule::alert).doesNotHaveDuplicates();
    }

    @Test
    void everyRunbookAnchorIsAHeadingOfTheReadme() throws IOException {
        Set<String> anchors = new HashSet<>();
        Matcher m = HEADING.matcher(Files.readString(MonitoringKit.root().resolve("README.md")));
        while (m.find()) {
            anchors.add(githubAnchor(m.group(1)));
        }
        for (AlertRule rule : ALERTS) {
            String url = rule.annotations().get("runbook_url");
            assertThat(anchors).as(rule + " " + url).contains(url.substring(url.indexOf('#') + 1));
        }
    }

    /** Each alert is tested with series that fire it and, at another time or with other series, with none. */
    @Test
    void promtoolTestCoversEveryAlertBothWays() {
        Set<String> fires = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        JsonNode test = MonitoringKit.readYaml(MonitoringKit.rulesTest());
        assertThat(test.path("rule_files").get(0).asText()).isEqualTo(MonitoringKit.RULES_FILE);
        for (JsonNode group : test.path("tests")) {
            for (JsonNode check : group.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? quiet : fires).add(check.path("alertname").asText());
            }
        }
        assertThat(fires).containsAll(ALERTS.stream().map(AlertRule::alert).toList());
        assertThat(quiet).containsAll(ALERTS.stream().map(AlertRule::alert).toList());
    }

    /** How GitHub turns a heading into its anchor: lower case, punctuation dropped, spaces to hyphens. */
    static String githubAnchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
