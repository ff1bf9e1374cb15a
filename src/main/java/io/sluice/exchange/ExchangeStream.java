package io.sluice.exchange;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.helpers.Subscriptions;
import io.smallrye.mutiny.helpers.queues.Queues;
import io.smallrye.mutiny.operators.AbstractMulti;
import io.smallrye.mutiny.subscription.MultiSubscriber;

/**
 * The exchange as a {@code Multi<ProcessingResponse>} over Envoy's {@code Multi<ProcessingRequest>}: one operator
 * instead of a Uni chain per message. Every signal (a message, a stage answering late, demand, cancellation) runs
 * the same drain loop, one thread at a time, so the exchange itself needs no locks; a message whose stages answer
 * at once is answered in the turn that brought it.
 * <p>
 * Held messages wait in a queue sized to {@code max-in-flight}: that many are requested upstream, and one more each
 * time one is taken. A message is taken only when every reply before it was requested downstream.
 */
final class ExchangeStream extends AbstractMulti<ProcessingResponse> implements Flow.Subscription {

    private static final AtomicIntegerFieldUpdater<ExchangeStream> WIP =
            AtomicIntegerFieldUpdater.newUpdater(ExchangeStream.class, "wip");
    private static final AtomicLongFieldUpdater<ExchangeStream> REQUESTED =
            AtomicLongFieldUpdater.newUpdater(ExchangeStream.class, "requested");

    private final Exchange exchange;
    private final Multi<ProcessingRequest> requests;
    private final int maxInFlight;
    private final Queue<ProcessingRequest> inbox;
    private MultiSubscriber<? super ProcessingResponse> downstream;
    private volatile Flow.Subscription upstream;
    private volatile int wip;
    private volatile long requested;
    private volatile boolean cancelled;
    private volatile boolean upstreamDone;
    private volatile Throwable upstreamFailure;
    // Touched in the drain loop only.
    private final Queue<ProcessingResponse> outbox = new ArrayDeque<>(4);
    private long emitted;
    private boolean busy;
    private RuntimeException failure;
    private boolean terminated;

    ExchangeStream(Exchange exchange, Multi<ProcessingRequest> requests, int maxInFlight) {
        this.exchange = exchange;
        this.requests = requests;
        this.maxInFlight = maxInFlight;
        this.inbox = Queues.createSpscArrayQueue(maxInFlight);
    }

    @Override
    public void subscribe(MultiSubscriber<? super ProcessingResponse> subscriber) {
        if (downstream != null) {
            Subscriptions.fail(subscriber, new IllegalStateException("an exchange's replies can be subscribed to once"));
            return;
        }
        downstream = subscriber;
        exchange.wakeUpWith(this::drain);
        subscriber.onSubscribe(this);
        requests.subscribe(new Upstream());
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            upstreamFailure = Subscriptions.getInvalidRequestException();
            drain();
            return;
        }
        Subscriptions.add(REQUESTED, this, n);
        drain();
    }

    @Override
    public void cancel() {
        cancelled = true;
        drain();
    }

    /** Runs the loop, or has the thread running it go round once more. */
    private void drain() {
        if (WIP.getAndIncrement(this) != 0) {
            return;
        }
        int missed = 1;
        do {
            loop();
            missed = WIP.addAndGet(this, -missed);
        } while (missed != 0);
    }

    private void loop() {
        while (!terminated) {
            if (cancelled) {
                terminated = true;
                exchange.cancel();
                cancelUpstream();
                inbox.clear();
                outbox.clear();
                return;
            }
            if (!outbox.isEmpty()) {
                if (emitted == requested) {
                    return;
                }
                emitted++;
                downstream.onItem(outbox.poll());
                continue;
            }
            if (failure != null) {
                terminated = true;
                cancelUpstream();
                downstream.onFailure(failure);
                return;
            }
            if (busy) {
                try {
                    if (!exchange.resume(outbox)) {
                        return;
                    }
                } catch (RuntimeException e) {
                    failure = e;
                }
                busy = false;
                continue;
            }
            Throwable broken = upstreamFailure;
            if (broken != null) {
                terminated = true;
                downstream.onFailure(broken);
                return;
            }
            // Read before polling: a message offered just before completion is never taken for the end.
            boolean done = upstreamDone;
            ProcessingRequest next = inbox.poll();
            if (next == null) {
                if (done) {
                    terminated = true;
                    downstream.onCompletion();
                }
                return;
            }
            upstream.request(1);
            try {
                busy = !exchange.begin(next, outbox);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }

    private void cancelUpstream() {
        Flow.Subscription subscription = upstream;
        if (subscription != null) {
            subscription.cancel();
        }
    }

    /** Envoy's side: messages into the queue, each followed by a turn of the loop. */
    private final class Upstream implements MultiSubscriber<ProcessingRequest> {

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            upstream = subscription;
            if (cancelled) {
                subscription.cancel();
                return;
            }
            subscription.request(maxInFlight);
        }

        @Override
        public void onItem(ProcessingRequest request) {
            if (!inbox.offer(request)) {
                // Only a source that ignores demand gets here: the queue holds what was requested.
                upstreamFailure = new IllegalStateException("more ProcessingRequests arrived than the exchange requested ("
                        + maxInFlight + ", sluice.exchange.max-in-flight)");
            }
            drain();
        }

        @Override
        public void onFailure(Throwable failure) {
            upstreamFailure = failure;
            drain();
        }

        @Override
        public void onCompletion() {
            upstreamDone = true;
            drain();
        }
    }
}
