package io.sluice.monitoring;

import java.util.Map;

/** One alerting rule of the PrometheusRule in {@code kubernetes/monitoring/}. */
public record AlertRule(String group, String alert, String expr, String forDuration, Map<String, String> labels,
        Map<String, String> annotations) {

    @Override
    public String toString() {
        return group + "/" + alert;
    }
}
