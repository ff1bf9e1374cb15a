package io.sluice.observability;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.sluice.stage.PhaseName;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.Outcome;
import io.sluice.stage.StagePolicy;

/** The span {@code ext_proc <phase>} of one message, parent of one {@code stage <name>} span per stage run. */
public final class PhaseTrace {

    static final AttributeKey<Long> IMMEDIATE_STATUS = AttributeKey.longKey("sluice.immediate_response.status");
    static final AttributeKey<String> STAGE = AttributeKey.stringKey("sluice.stage");
    static final AttributeKey<String> POLICY = AttributeKey.stringKey("sluice.stage.policy");

    private final Tracer tracer;
    private final Span span;
    private final Context context;

    PhaseTrace(Tracer tracer, Context parent, PhaseName phase) {
        this.tracer = tracer;
        this.span = tracer.spanBuilder("ext_proc " + phase.wireName()).setParent(parent).startSpan();
        this.context = Context.root().with(span);
    }

    /** Starts the span of one stage's hook on this message. */
    public Span stage(String name) {
        return tracer.spanBuilder("stage " + name).setParent(context).setAttribute(STAGE, name).startSpan();
    }

    /** The stage's hook answered, failed or timed out; {@code policy} is what Sluice did about a failure. */
    public static void stageEnded(Span stage, Outcome outcome, Throwable failure, boolean timeout, StagePolicy policy) {
        if (failure != null) {
            stage.setStatus(StatusCode.ERROR, timeout ? "timeout" : String.valueOf(failure.getMessage()));
            if (timeout) {
                stage.addEvent("timeout");
            } else {
                stage.recordException(failure);
            }
            stage.setAttribute(POLICY, policy.onFailure().configValue());
        } else if (outcome instanceof ImmediateReply immediate) {
            stage.setAttribute(IMMEDIATE_STATUS, (long) immediate.status());
        }
        stage.end();
    }

    /** The message's stages are done: the outcome (an immediate response is recorded) or the stream's failure. */
    public void end(Outcome outcome, Throwable failure) {
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
            span.recordException(failure);
        } else if (outcome instanceof ImmediateReply immediate) {
            span.setAttribute(IMMEDIATE_STATUS, (long) immediate.status());
        }
        span.end();
    }

    /** Envoy reset the stream while the message was in flight. */
    public void cancelled() {
        span.addEvent("cancelled");
        span.end();
    }
}
