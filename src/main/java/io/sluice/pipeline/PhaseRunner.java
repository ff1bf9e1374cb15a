package io.sluice.pipeline;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import io.sluice.exchange.Direction;
import io.sluice.exchange.PhaseReply;
import io.sluice.exchange.PhaseView;
import io.sluice.observability.ExchangeMetrics;
import io.sluice.observability.PhaseTrace;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.Outcome;
import io.sluice.stage.StagePolicy;

/**
 * Runs a pipeline's stages over one message, one after the other, each inside its own timeout and failure
 * policy. The first immediate response ends the run; mutations accumulate in the {@link PhaseReply}.
 */
@Singleton
public class PhaseRunner {

    private static final Logger LOG = Logger.getLogger(PhaseRunner.class);

    private final ExchangeMetrics metrics;
    /** Stage and policy pairs whose failure was already logged at WARN; later ones are counted and logged at DEBUG. */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public PhaseRunner(ExchangeMetrics metrics) {
        this.metrics = metrics;
    }

    public Uni<Outcome> run(Pipeline pipeline, PhaseReply reply, ExchangeContext exchange) {
        return run(pipeline, reply, exchange, null);
    }

    /** @param trace the message's phase span, or null when tracing is off */
    public Uni<Outcome> run(Pipeline pipeline, PhaseReply reply, ExchangeContext exchange, PhaseTrace trace) {
        Uni<Outcome> outcome = Outcome.proceed();
        for (BoundStage stage : pipeline.order(reply.phase().direction() == Direction.RESPONSE)) {
            outcome = outcome.chain(previous -> previous instanceof ImmediateReply
                    ? Uni.createFrom().item(previous)
                    : runStage(stage, reply, exchange, trace));
        }
        return outcome;
    }

    private Uni<Outcome> runStage(BoundStage stage, PhaseReply reply, ExchangeContext exchange, PhaseTrace trace) {
        PhaseReply.Turn turn = reply.begin(stage.name());
        long start = System.nanoTime();
        Span span = trace == null ? null : trace.stage(stage.name());
        Uni<Outcome> hook;
        // Current only while the hook is called, so that a side call it starts synchronously (an instrumented
        // client) becomes the stage's child; nothing after that relies on the thread-local.
        try (Scope ignored = span == null ? null : span.makeCurrent()) {
            hook = StageHooks.invoke(stage.stage(), reply.phase(), new PhaseView(exchange, turn));
            if (hook == null) {
                throw new NullPointerException("stage '" + stage.name() + "' returned a null Uni");
            }
        } catch (RuntimeException e) {
            hook = Uni.createFrom().failure(e);
        }
        if (hook == Outcome.proceed()) {
            // The shared, already-resolved "continue": nothing can time out, so skip the timer that
            // ifNoItem() would schedule and cancel for every stage of every message.
            turn.end();
            metrics.stageAnswered(stage.name(), reply.phase(), System.nanoTime() - start);
            if (span != null) {
                PhaseTrace.stageEnded(span, Outcome.Continue.INSTANCE, null, false, stage.policy());
            }
            return hook;
        }
        StagePolicy policy = stage.policy();
        Uni<Outcome> run = hook
                .ifNoItem().after(policy.timeout())
                .failWith(() -> new StageTimeoutException(stage.name(), reply.phase().wireName(), policy.timeout()))
                .onItemOrFailure().transformToUni((outcome, failure) -> {
                    metrics.stageAnswered(stage.name(), reply.phase(), System.nanoTime() - start);
                    if (failure == null && outcome == null) {
                        failure = new NullPointerException("stage '" + stage.name() + "' answered with a null Outcome");
                    }
                    if (span != null) {
                        PhaseTrace.stageEnded(span, outcome, failure, failure instanceof StageTimeoutException, policy);
                    }
                    if (failure == null) {
                        turn.end();
                        return Uni.createFrom().item(outcome);
                    }
                    return onFailure(stage, reply, turn, failure, exchange);
                });
        return span == null ? run : run.onCancellation().invoke(() -> {
            span.addEvent("cancelled");
            span.end();
        });
    }

    private Uni<Outcome> onFailure(BoundStage stage, PhaseReply reply, PhaseReply.Turn turn, Throwable failure,
            ExchangeContext exchange) {
        turn.rollback();
        StagePolicy policy = stage.policy();
        boolean timeout = failure instanceof StageTimeoutException;
        metrics.stageFailed(stage.name(), reply.phase(), policy.onFailure(), timeout);
        String what = timeout ? failure.getMessage()
                : "stage '" + stage.name() + "' failed on " + reply.phase().wireName() + ": " + failure;
        String key = stage.name() + "/" + policy.onFailure();
        if (logged.add(key)) {
            LOG.warnf(timeout ? null : failure, "[%s] %s; policy %s (further failures of this stage are counted in "
                    + "sluice_stage_failures_total and logged at DEBUG)", exchange.id(), what, policy.onFailure());
        } else {
            LOG.debugf("[%s] %s; policy %s", exchange.id(), what, policy.onFailure());
        }
        return switch (policy.onFailure()) {
            case FAIL_OPEN -> Outcome.proceed();
            case RESPOND -> Outcome.respond(ImmediateReply.status(policy.failureStatus())
                    .details("sluice_stage_" + stage.name() + (timeout ? "_timeout" : "_failed"))
                    .build());
            case GRPC_ERROR -> Uni.createFrom().failure(asStatus(failure, what, timeout));
        };
    }

    private static StatusRuntimeException asStatus(Throwable failure, String what, boolean timeout) {
        if (failure instanceof StatusRuntimeException sre) {
            return sre;
        }
        return (timeout ? Status.DEADLINE_EXCEEDED : Status.INTERNAL).withDescription(what).asRuntimeException();
    }
}
