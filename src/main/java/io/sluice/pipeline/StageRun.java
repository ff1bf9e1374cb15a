package io.sluice.pipeline;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import io.sluice.message.PhaseReply;
import io.sluice.message.PhaseView;
import io.sluice.observability.PhaseTrace;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.Outcome;
import io.sluice.stage.PhaseName;
import io.sluice.stage.ResolvedOutcome;

/**
 * Runs the stages of one message, one after the other, for one stream (reused message after message). Only the
 * stages that implement the phase's hook are called. A hook that answers at once, as most do, is followed by the next
 * stage in the same turn, with no subscription when it is one of {@link Outcome}'s resolved Unis and no timer ever;
 * only a hook still outstanding after its call gets a timer, and the run then waits for {@link #resume()}. The first
 * immediate response ends the run; changes accumulate in the {@link PhaseReply}.
 * <p>
 * Not thread-safe: the stream calls it from one thread at a time; only the outstanding {@link StageCall} is touched
 * by other threads, and it hands over through {@code wakeUp}.
 */
public final class StageRun {

    private final PhaseRunner runner;
    private final Runnable wakeUp;
    private BoundStage[] stages;
    private PhaseName phase;
    private PhaseReply reply;
    private ExchangeContext exchange;
    private PhaseTrace trace;
    private int next;
    private Outcome outcome;
    private StageCall pending;

    StageRun(PhaseRunner runner, Runnable wakeUp) {
        this.runner = runner;
        this.wakeUp = wakeUp;
    }

    /**
     * Starts the stages of {@code pipeline} for the message.
     *
     * @param trace the message's phase span, or null when tracing is off
     * @return true when every stage answered in this turn: {@link #outcome()} is then the result
     * @throws io.grpc.StatusRuntimeException a stage with policy grpc-error failed in this turn
     */
    public boolean start(Pipeline pipeline, PhaseReply reply, ExchangeContext exchange, PhaseTrace trace) {
        this.phase = reply.phase();
        this.stages = pipeline.stagesFor(phase);
        this.reply = reply;
        this.exchange = exchange;
        this.trace = trace;
        this.next = 0;
        this.outcome = null;
        return proceed();
    }

    /**
     * Takes the outstanding stage's answer, if it came, and runs the stages after it.
     *
     * @return true when the run is over ({@link #outcome()}); false while a stage is still outstanding
     */
    public boolean resume() {
        StageCall call = pending;
        if (call == null) {
            return outcome != null;
        }
        if (!call.answered()) {
            return false;
        }
        pending = null;
        settle(call.stage(), call.view(), call.startNanos(), call.span(), call.outcome(), call.failure());
        return proceed();
    }

    /** The run's result: continue, or the immediate response that ended it. */
    public Outcome outcome() {
        return outcome;
    }

    /** The stream ended: the outstanding stage, if any, is cancelled and its answer ignored. */
    public void cancel() {
        StageCall call = pending;
        pending = null;
        if (call != null) {
            call.cancel();
        }
    }

    private boolean proceed() {
        while (outcome == null && next < stages.length) {
            BoundStage stage = stages[next++];
            PhaseView view = reply.begin(stage.name(), stage.policy(), exchange);
            long start = System.nanoTime();
            Span span = trace == null ? null : trace.stage(stage.name());
            Uni<Outcome> hook;
            // Current only while the hook is called, so that a side call it starts synchronously (an instrumented
            // client) becomes the stage's child; nothing after that relies on the thread-local.
            try (Scope ignored = span == null ? null : span.makeCurrent()) {
                hook = StageHooks.invoke(stage.stage(), phase, view);
                if (hook == null) {
                    throw new NullPointerException("stage '" + stage.name() + "' returned a null Uni");
                }
            } catch (RuntimeException e) {
                settle(stage, view, start, span, null, e);
                continue;
            }
            if (hook instanceof ResolvedOutcome resolved) {
                settle(stage, view, start, span, resolved.outcome(), null);
                continue;
            }
            StageCall call = new StageCall(stage, view, start, span, phase, wakeUp);
            if (!call.subscribeTo(hook)) {
                pending = call;
                return false;
            }
            settle(stage, view, start, span, call.outcome(), call.failure());
        }
        if (outcome == null) {
            outcome = Outcome.Continue.INSTANCE;
        }
        return true;
    }

    /** One stage's answer: kept, or rolled back and turned into what its failure policy says. */
    private void settle(BoundStage stage, PhaseView view, long start, Span span, Outcome answer, Throwable failure) {
        runner.metrics().stageAnswered(stage.name(), phase, System.nanoTime() - start);
        if (failure == null && answer == null) {
            failure = new NullPointerException("stage '" + stage.name() + "' answered with a null Outcome");
        }
        if (span != null) {
            PhaseTrace.stageEnded(span, answer, failure, failure instanceof StageTimeoutException, stage.policy());
        }
        if (failure == null) {
            view.end();
        } else {
            view.rollback();
            answer = runner.onFailure(stage, phase, failure, exchange);
        }
        if (answer instanceof ImmediateReply) {
            outcome = answer;
        }
    }
}
