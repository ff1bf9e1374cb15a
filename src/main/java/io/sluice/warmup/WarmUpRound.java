package io.sluice.warmup;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;

/**
 * One round of the warm-up: {@code exchanges} scripts, {@code concurrency} of them in flight at once on one channel (a
 * new one starts as one ends), every call bounded by the warm-up's deadline. Nothing here blocks: exchanges start and
 * end on the client's own transport thread.
 */
final class WarmUpRound {

    /** What a round saw; {@code slowestNanos} is its slowest reply to any message. */
    record Result(int exchanges, int messages, long slowestNanos, int streamErrors, int unreachable, int tlsRefused,
            int timedOut, String firstProblem) {

        /** Every exchange was answered (no connection failure, no deadline) within {@code targetNanos}. */
        boolean within(long targetNanos) {
            return unreachable == 0 && tlsRefused == 0 && timedOut == 0 && slowestNanos < targetNanos;
        }
    }

    private final ExternalProcessorGrpc.ExternalProcessorStub stub;
    private final List<List<List<ProcessingRequest>>> scripts;
    private final long deadlineNanos;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private int messages;
    private long slowest;
    private int streamErrors;
    private int unreachable;
    private int tlsRefused;
    private int timedOut;
    private String firstProblem;

    private WarmUpRound(ExternalProcessorGrpc.ExternalProcessorStub stub, List<List<List<ProcessingRequest>>> scripts,
            long deadlineNanos) {
        this.stub = stub;
        this.scripts = scripts;
        this.deadlineNanos = deadlineNanos;
    }

    static CompletableFuture<Result> run(ExternalProcessorGrpc.ExternalProcessorStub stub,
            List<List<List<ProcessingRequest>>> scripts, int concurrency, long deadlineNanos) {
        WarmUpRound round = new WarmUpRound(stub, scripts, deadlineNanos);
        int first = Math.min(concurrency, scripts.size());
        round.open.set(first);
        for (int i = 0; i < first; i++) {
            round.startNext();
        }
        return round.result;
    }

    private void startNext() {
        int index = next.getAndIncrement();
        if (index >= scripts.size()) {
            if (open.decrementAndGet() == 0) {
                finish();
            }
            return;
        }
        WarmUpExchange exchange = new WarmUpExchange(scripts.get(index));
        long left = Math.max(1, deadlineNanos - System.nanoTime());
        stub.withDeadlineAfter(left, TimeUnit.NANOSECONDS).process(exchange);
        exchange.outcome().thenAccept(outcome -> {
            count(outcome);
            startNext();
        });
        exchange.begin();
    }

    private synchronized void count(WarmUpExchange.Outcome outcome) {
        messages += outcome.answered();
        slowest = Math.max(slowest, outcome.slowestNanos());
        switch (outcome.failure()) {
            case NONE -> {
                return;
            }
            case STREAM_ERROR -> streamErrors++;
            case UNREACHABLE -> unreachable++;
            case TLS_REFUSED -> tlsRefused++;
            case TIMED_OUT -> timedOut++;
        }
        if (firstProblem == null) {
            firstProblem = outcome.detail();
        }
    }

    private synchronized void finish() {
        result.complete(new Result(scripts.size(), messages, slowest, streamErrors, unreachable, tlsRefused, timedOut,
                firstProblem));
    }
}
