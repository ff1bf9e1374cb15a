package io.sluice.pipeline;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import io.sluice.message.PhaseView;
import io.sluice.stage.Outcome;
import io.sluice.stage.PhaseName;

/**
 * One stage hook's Uni, subscribed. When it answers while being subscribed (a resolved Uni), the run goes on in the
 * same turn and no timer is armed; otherwise a timer bounds it by the stage's timeout and the answer, the timeout or
 * the stream's end, whichever comes first, is the only one taken.
 */
final class StageCall implements UniSubscriber<Outcome>, Runnable {

    private static final int SUBSCRIBING = 0;
    private static final int OUTSTANDING = 1;
    private static final int ANSWERED = 2;
    private static final AtomicIntegerFieldUpdater<StageCall> STATE =
            AtomicIntegerFieldUpdater.newUpdater(StageCall.class, "state");
    private static final AtomicIntegerFieldUpdater<StageCall> CLAIMED =
            AtomicIntegerFieldUpdater.newUpdater(StageCall.class, "claimed");

    private final BoundStage stage;
    private final PhaseView view;
    private final long startNanos;
    private final Span span;
    private final PhaseName phase;
    private final Runnable wakeUp;
    private volatile int state;
    /** 1 once an answer (item, failure, timeout or cancellation) was taken; later ones are dropped. */
    private volatile int claimed;
    private volatile UniSubscription subscription;
    private volatile ScheduledFuture<?> timer;
    // Written before the state becomes ANSWERED, read after it is seen: the volatile write publishes them.
    private Outcome outcome;
    private Throwable failure;

    StageCall(BoundStage stage, PhaseView view, long startNanos, Span span, PhaseName phase, Runnable wakeUp) {
        this.stage = stage;
        this.view = view;
        this.startNanos = startNanos;
        this.span = span;
        this.phase = phase;
        this.wakeUp = wakeUp;
    }

    /** @return true when the hook answered during the subscription: read {@link #outcome()} now */
    boolean subscribeTo(Uni<Outcome> hook) {
        hook.subscribe().withSubscriber(this);
        if (!STATE.compareAndSet(this, SUBSCRIBING, OUTSTANDING)) {
            return true;
        }
        timer = Infrastructure.getDefaultWorkerPool().schedule(this, stage.policy().timeout().toNanos(),
                TimeUnit.NANOSECONDS);
        if (state == ANSWERED) {
            // Answered between the subscription and the timer: nothing left for it to bound.
            timer.cancel(false);
        }
        return false;
    }

    boolean answered() {
        return state == ANSWERED;
    }

    @Override
    public void onSubscribe(UniSubscription subscription) {
        this.subscription = subscription;
    }

    @Override
    public void onItem(Outcome item) {
        answer(item, null, false);
    }

    @Override
    public void onFailure(Throwable failure) {
        answer(null, failure, false);
    }

    /** The stage's timeout. */
    @Override
    public void run() {
        if (answer(null, new StageTimeoutException(stage.name(), phase.wireName(), stage.policy().timeout()), true)) {
            UniSubscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    /** The stream ended first: the hook is cancelled and nobody is woken. */
    void cancel() {
        if (CLAIMED.compareAndSet(this, 0, 1)) {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
            UniSubscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            if (span != null) {
                span.addEvent("cancelled");
                span.end();
            }
        }
    }

    private boolean answer(Outcome item, Throwable error, boolean timedOut) {
        if (!CLAIMED.compareAndSet(this, 0, 1)) {
            return false;
        }
        this.outcome = item;
        this.failure = error;
        if (STATE.getAndSet(this, ANSWERED) == OUTSTANDING) {
            ScheduledFuture<?> t = timer;
            if (t != null && !timedOut) {
                t.cancel(false);
            }
            wakeUp.run();
        }
        return true;
    }

    BoundStage stage() {
        return stage;
    }

    PhaseView view() {
        return view;
    }

    long startNanos() {
        return startNanos;
    }

    Span span() {
        return span;
    }

    Outcome outcome() {
        return outcome;
    }

    Throwable failure() {
        return failure;
    }
}
