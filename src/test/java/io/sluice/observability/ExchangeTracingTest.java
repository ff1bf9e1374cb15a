package io.sluice.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sluice.stage.PhaseName;

/** Tracing off must cost nothing per stream: one shared no-op trace, no phase spans, no span objects at all. */
class ExchangeTracingTest {

    @Test
    void offSharesOneNoOpTraceAndMakesNoPhaseSpans() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetry sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .build();
        ExchangeTracing off = new ExchangeTracing(sdk, true, true);
        assertThat(off.enabled()).isFalse();
        ExchangeTrace trace = off.open(null);
        assertThat(trace).isSameAs(ExchangeTrace.NONE);
        assertThat(trace.phase(PhaseName.REQUEST_HEADERS)).isNull();
        trace.end("completed", Status.OK);
        assertThat(exporter.getFinishedSpanItems()).isEmpty();

        assertThat(new ExchangeTracing(sdk, false, false).open(null)).as("traces disabled").isSameAs(ExchangeTrace.NONE);
    }

    @Test
    void onEndsTheExchangeSpanEvenWhenNoMessageWasUnderstood() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetry sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
                .build();
        ExchangeTrace trace = new ExchangeTracing(sdk, false, true).open(null);
        assertThat(trace).isNotSameAs(ExchangeTrace.NONE);
        trace.end("protocol_error", Status.INVALID_ARGUMENT.withDescription("empty ProcessingRequest"));
        assertThat(exporter.getFinishedSpanItems()).singleElement().satisfies(span -> {
            assertThat(span.getName()).isEqualTo("ext_proc exchange");
            assertThat(span.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
            assertThat(span.getStatus().getDescription()).contains("INVALID_ARGUMENT");
        });
    }
}
