package io.sluice.transport;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.smallrye.mutiny.helpers.Subscriptions;
import io.smallrye.mutiny.operators.AbstractMulti;
import io.smallrye.mutiny.subscription.MultiSubscriber;

/**
 * Envoy's messages on one call as the exchange's {@code Multi}, with no queue of its own: the stream asks gRPC for
 * a message only while the exchange has demand ({@link #wanted()}), so each one is handed straight on, and the only
 * queue of held messages is the exchange's, sized to {@code max-in-flight}.
 */
final class InboundMessages extends AbstractMulti<ProcessingRequest> implements Flow.Subscription {

    private static final AtomicLongFieldUpdater<InboundMessages> DEMAND =
            AtomicLongFieldUpdater.newUpdater(InboundMessages.class, "demand");

    private final Runnable onDemand;
    private volatile MultiSubscriber<? super ProcessingRequest> subscriber;
    private volatile long demand;
    private volatile boolean cancelled;

    /** @param onDemand called when the exchange asks for more: a moment for the stream to look again */
    InboundMessages(Runnable onDemand) {
        this.onDemand = onDemand;
    }

    @Override
    public void subscribe(MultiSubscriber<? super ProcessingRequest> subscriber) {
        this.subscriber = subscriber;
        subscriber.onSubscribe(this);
    }

    @Override
    public void request(long n) {
        Subscriptions.add(DEMAND, this, n);
        onDemand.run();
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    /** The exchange would take a message now. */
    boolean wanted() {
        return demand > 0 && !cancelled;
    }

    /** gRPC's calls are serialized, so these are too, as the exchange requires. */
    void deliver(ProcessingRequest request) {
        DEMAND.decrementAndGet(this);
        subscriber.onItem(request);
    }

    void complete() {
        subscriber.onCompletion();
    }
}
