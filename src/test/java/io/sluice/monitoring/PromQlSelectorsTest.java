package io.sluice.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PromQlSelectorsTest {

    @Test
    void findsTheSelectorsOfAJoinAndSkipsFunctionsAggregationsAndLabelLists() {
        String expr = """
                sum by (namespace, job, cause) (rate(sluice_stream_errors_total{job="sluice"}[5m]))
                / on (namespace, job) group_left ()
                sum by (namespace, job) (rate(sluice_streams_started_total{job="sluice"}[5m])) > 0.01""";
        assertThat(PromQlSelectors.of(expr)).containsExactly("sluice_stream_errors_total{job=\"sluice\"}",
                "sluice_streams_started_total{job=\"sluice\"}");
    }

    @Test
    void handlesBareNamesTrailingByClausesNumbersAndKeywords() {
        String expr = "histogram_quantile(0.99, sum(rate(x_bucket[1m])) by (le)) > 1e-3 and on(pod) up offset 5m"
                + " unless absent(y{a=~\"}|]\"}) or vector(2 * 1024)";
        assertThat(PromQlSelectors.of(expr)).containsExactly("x_bucket", "up", "y{a=~\"}|]\"}");
    }

    @Test
    void keepsGrafanaVariablesInsideMatchersAndRanges() {
        assertThat(PromQlSelectors.of("sum(rate(m_total{pod=~\"$pod\"}[$__rate_interval]))"))
                .containsExactly("m_total{pod=~\"$pod\"}");
    }

    @Test
    void metricNameIsWhatPrecedesTheMatchers() {
        assertThat(PromQlSelectors.metricName("up{job=\"x\"}")).isEqualTo("up");
        assertThat(PromQlSelectors.metricName("up")).isEqualTo("up");
        assertThat(PromQlSelectors.metricName("{__name__=\"up\"}")).isEmpty();
    }

    @Test
    void anUnclosedMatcherIsAnError() {
        assertThatThrownBy(() -> PromQlSelectors.of("up{job=\"x\"")).isInstanceOf(IllegalArgumentException.class);
    }
}
