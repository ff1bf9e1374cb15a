package io.sluice.observability;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * Reads the W3C trace context Envoy sends in the ext_proc call's metadata (when Envoy's own tracing is on) and
 * hands it to the service method through a gRPC {@link Context} key. Registered on the ext_proc service only; with
 * tracing off it passes the call through untouched.
 * <p>
 * Quarkus' own gRPC server instrumentation is turned off (quarkus.otel.instrument.grpc=false): on this
 * bidirectional stream it makes one span for the whole stream that would only duplicate {@code ext_proc exchange},
 * and it cannot fall back to the {@code traceparent} of the HTTP request, which arrives later in a message.
 */
@ApplicationScoped
public class TraceContextInterceptor implements ServerInterceptor {

    /** The parent read from the call's metadata; unset when tracing is off or the metadata carried none. */
    public static final Context.Key<io.opentelemetry.context.Context> PARENT = Context.key("sluice-trace-parent");

    private static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

    private static final TextMapGetter<Metadata> METADATA = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
            return carrier.keys();
        }

        @Override
        public String get(Metadata carrier, String key) {
            return carrier == null ? null : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        }
    };

    private final boolean enabled;

    public TraceContextInterceptor(ExchangeTracing tracing) {
        this.enabled = tracing.enabled();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!enabled || !headers.containsKey(TRACEPARENT)) {
            return next.startCall(call, headers);
        }
        io.opentelemetry.context.Context parent = W3CTraceContextPropagator.getInstance()
                .extract(io.opentelemetry.context.Context.root(), headers, METADATA);
        return Contexts.interceptCall(Context.current().withValue(PARENT, parent), call, headers, next);
    }
}
