package io.sluice.stage;

import io.smallrye.mutiny.helpers.EmptyUniSubscription;
import io.smallrye.mutiny.operators.AbstractUni;
import io.smallrye.mutiny.subscription.UniSubscriber;

/**
 * The {@code Uni} of {@link Outcome#proceed()} and {@link Outcome#respond}: already resolved, so Sluice reads its
 * outcome without subscribing, while a stage author still sees an ordinary {@code Uni}.
 */
public final class ResolvedOutcome extends AbstractUni<Outcome> {

    private final Outcome outcome;

    ResolvedOutcome(Outcome outcome) {
        this.outcome = outcome;
    }

    public Outcome outcome() {
        return outcome;
    }

    @Override
    public void subscribe(UniSubscriber<? super Outcome> subscriber) {
        subscriber.onSubscribe(EmptyUniSubscription.DONE);
        subscriber.onItem(outcome);
    }
}
