package io.sluice.enrichment;

import java.time.Duration;
import java.util.Locale;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@code sluice_enrichment_calls_total{outcome}} and {@code sluice_enrichment_duration_seconds{outcome}}: what each
 * enrichment attempt came to, and how long it took (cache hits included, at their near-zero cost).
 */
@Singleton
public class EnrichmentMetrics {

    /** What one attempt came to. */
    public enum Outcome {
        OK, CACHE_HIT, TIMEOUT, ERROR, BREAKER_OPEN, BULKHEAD_FULL, INVALID_ANSWER;

        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final MeterRegistry registry;

    public EnrichmentMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Outcome outcome, Duration took) {
        Counter.builder("sluice.enrichment.calls").description("Enrichment attempts, by what each came to")
                .tag("outcome", outcome.tag()).register(registry).increment();
        Timer.builder("sluice.enrichment.duration").description("Time one enrichment attempt took, cache hits included")
                .tag("outcome", outcome.tag())
                .publishPercentileHistogram().register(registry).record(took);
    }
}
