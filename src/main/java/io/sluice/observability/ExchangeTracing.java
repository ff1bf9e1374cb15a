package io.sluice.observability;

import java.time.Instant;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * Opens the trace of each ext_proc stream. Off by default ({@code quarkus.otel.sdk.disabled=true}); then every
 * stream shares {@link ExchangeTrace#NONE} and the hot path pays one reference comparison per message and stage.
 * <p>
 * Spans are parented explicitly, never through {@code Context.current()}: stages run asynchronously on whatever
 * thread completes their {@code Uni}, and context propagation is off on purpose (see application.properties).
 */
@Singleton
public class ExchangeTracing {

    private final boolean enabled;
    private final Tracer tracer;

    public ExchangeTracing(OpenTelemetry openTelemetry,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean sdkDisabled,
            @ConfigProperty(name = "quarkus.otel.traces.enabled", defaultValue = "true") boolean tracesEnabled) {
        this.enabled = !sdkDisabled && tracesEnabled;
        this.tracer = openTelemetry.getTracer("io.sluice");
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * The trace of a stream that starts now. {@code grpcParent} is the context read from the call's metadata
     * (Envoy sends {@code traceparent} there when its own tracing is on); null or invalid when there is none.
     */
    public ExchangeTrace open(Context grpcParent) {
        if (!enabled) {
            return ExchangeTrace.NONE;
        }
        boolean hasParent = grpcParent != null && Span.fromContext(grpcParent).getSpanContext().isValid();
        return new ExchangeTrace(tracer, hasParent ? grpcParent : null, Instant.now());
    }
}
