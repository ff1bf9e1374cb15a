package io.sluice.observability;

import java.time.Instant;
import java.util.Optional;

import io.grpc.Status;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.sluice.stage.PhaseName;
import io.sluice.stage.ExchangeContext;

/**
 * The span {@code ext_proc exchange} of one stream, and the parent of its phase spans. Messages of a stream are
 * handled one at a time, so no two phase spans are open at once; the end may come from gRPC's cancel handler.
 */
public class ExchangeTrace {

    /** Tracing off: every method does nothing, {@link #phase} returns null. */
    public static final ExchangeTrace NONE = new ExchangeTrace(null, null, null);

    static final AttributeKey<String> PIPELINE = AttributeKey.stringKey("sluice.pipeline");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("sluice.route_name");
    static final AttributeKey<String> END = AttributeKey.stringKey("sluice.stream.end");
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> AUTHORITY = AttributeKey.stringKey("server.address");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> GRPC_STATUS = AttributeKey.stringKey("rpc.grpc.status_code");

    /** Reads the forwarded W3C headers from the request headers Envoy sent. */
    private static final TextMapGetter<ExchangeContext> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(ExchangeContext carrier) {
            return java.util.List.of("traceparent", "tracestate");
        }

        @Override
        public String get(ExchangeContext carrier, String key) {
            return carrier == null ? null : carrier.requestHeader(key).orElse(null);
        }
    };

    private final Tracer tracer;
    private final Context grpcParent;
    private final Instant start;
    private volatile Span span;

    ExchangeTrace(Tracer tracer, Context grpcParent, Instant start) {
        this.tracer = tracer;
        this.grpcParent = grpcParent;
        this.start = start;
    }

    /**
     * Starts the exchange span once the first message is understood: its parent is the call's gRPC metadata,
     * else the {@code traceparent} the HTTP request carried to Envoy, else none (a new trace).
     */
    public void begin(ExchangeContext facts) {
        if (tracer == null || span != null) {
            return;
        }
        Context parent = grpcParent != null ? grpcParent
                : W3CTraceContextPropagator.getInstance().extract(Context.root(), facts, HEADERS);
        Span started = tracer.spanBuilder("ext_proc exchange")
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(start)
                .setAttribute(PIPELINE, facts.pipeline())
                .startSpan();
        facts.attribute("xds.route_name").ifPresent(route -> started.setAttribute(ROUTE, route));
        set(started, METHOD, facts.method());
        set(started, AUTHORITY, facts.authority());
        set(started, PATH, facts.path());
        span = started;
    }

    /** The span of one message's phase, or null when tracing is off. */
    public PhaseTrace phase(PhaseName phase) {
        Span parent = span;
        return parent == null ? null : new PhaseTrace(tracer, Context.root().with(parent), phase);
    }

    /** The stream ended: how, and with which gRPC status (OK for a completion or Envoy's reset). */
    public void end(String end, Status status) {
        if (tracer == null) {
            return;
        }
        Span ended = span;
        if (ended == null) {
            // The stream ended before its first message was understood (e.g. a protocol violation): still traced.
            ended = tracer.spanBuilder("ext_proc exchange").setParent(grpcParent != null ? grpcParent : Context.root())
                    .setSpanKind(SpanKind.SERVER).setStartTimestamp(start).startSpan();
        }
        ended.setAttribute(END, end);
        ended.setAttribute(GRPC_STATUS, status.getCode().name());
        if (!status.isOk() && status.getCode() != Status.Code.CANCELLED) {
            ended.setStatus(StatusCode.ERROR, status.getCode() + ": " + status.getDescription());
        }
        ended.end();
    }

    private static void set(Span span, AttributeKey<String> key, Optional<String> value) {
        value.ifPresent(v -> span.setAttribute(key, v));
    }
}
