package io.sluice.enrichment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The enrichment meters carry descriptions, which become their HELP lines (checked by promtool in MonitoringIT). */
class EnrichmentMetricsTest {

    @Test
    void everyEnrichmentMeterHasADescription() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EnrichmentMetrics metrics = new EnrichmentMetrics(registry);
        for (EnrichmentMetrics.Outcome outcome : EnrichmentMetrics.Outcome.values()) {
            metrics.record(outcome, Duration.ofMillis(3));
        }
        assertThat(registry.getMeters()).extracting(m -> m.getId().getName())
                .contains("sluice.enrichment.calls", "sluice.enrichment.duration");
        for (Meter meter : registry.getMeters()) {
            assertThat(meter.getId().getDescription()).as(meter.getId().toString()).isNotBlank();
        }
    }
}
