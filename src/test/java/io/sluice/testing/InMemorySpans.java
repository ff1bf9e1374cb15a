package io.sluice.testing;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

/**
 * Collects finished spans for the tracing test. Quarkus' default exporter setting ("cdi") picks up every SpanExporter
 * bean; in the shared test profile the SDK is disabled, so this exporter never receives anything there.
 */
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
