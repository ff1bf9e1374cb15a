package io.sluice.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The OpenTelemetry SDK on, spans collected by {@link InMemorySpans} only. A profile of its own (one more start of the
 * application), so that the rest of the suite runs with tracing off, as Sluice does by default.
 */
public class TracingOnProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.otel.sdk.disabled", "false",
                // Nothing listens for OTLP here: the default exporter's endpoint is a closed port.
                "quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:9",
                "quarkus.otel.bsp.schedule.delay", "10ms");
    }
}
