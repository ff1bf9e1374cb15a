package io.sluice.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The graph panels of the Grafana dashboard ({@code kubernetes/monitoring/grafana-dashboard.json}) with their queries,
 * and the substitution Grafana makes before it sends a query: its variables ({@code $namespace}, {@code $pod}, ...) and
 * {@code $__rate_interval}.
 */
public final class DashboardPanels {

    public record Target(String refId, String expr, String legend) {
        /** The labels the legend shows ({@code {{phase}}}): each series of the result must carry them. */
        public List<String> legendLabels() {
            List<String> labels = new ArrayList<>();
            Matcher m = LEGEND_LABEL.matcher(legend);
            while (m.find()) {
                labels.add(m.group(1));
            }
            return labels;
        }
    }

    public record Panel(String row, String title, String unit, List<Double> thresholds, List<Target> targets) {
    }

    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?([a-zA-Z_][a-zA-Z0-9_]*)}?");

    private DashboardPanels() {
    }

    /** Every panel with queries, in the dashboard's order, with the title of the row it sits in. */
    public static List<Panel> of(JsonNode dashboard) {
        List<Panel> panels = new ArrayList<>();
        String row = "";
        for (JsonNode p : dashboard.path("panels")) {
            if ("row".equals(p.path("type").asText())) {
                row = p.path("title").asText();
                continue;
            }
            List<Target> targets = new ArrayList<>();
            for (JsonNode t : p.path("targets")) {
                targets.add(new Target(t.path("refId").asText(), t.path("expr").asText(), t.path("legendFormat").asText("")));
            }
            List<Double> thresholds = new ArrayList<>();
            for (JsonNode step : p.path("fieldConfig").path("defaults").path("thresholds").path("steps")) {
                if (step.path("value").isNumber()) {
                    thresholds.add(step.path("value").asDouble());
                }
            }
            panels.add(new Panel(row, p.path("title").asText(), p.path("fieldConfig").path("defaults").path("unit").asText(""),
                    thresholds, targets));
        }
        return panels;
    }

    /** {@code expr} with every {@code $var} or {@code ${var}} replaced; a variable {@code values} lacks is an error. */
    public static String substitute(String expr, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for the dashboard variable $" + m.group(1) + " in: " + expr);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
