package io.sluice.warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

/**
 * The warm-up loop: rounds of exchanges through the real gRPC port until a whole round's slowest reply comes within
 * the target and every stage has prepared, or the cap passes. Blocks its caller (the warm-up's own thread) between
 * rounds; the exchanges themselves run on the client's transport thread.
 */
final class WarmUpRun {

    enum End {
        /** A round came within the target and every stage prepared. */
        WARM,
        /** {@code sluice.warm-up.max-duration} passed first. */
        CAPPED,
        /** The gRPC port refused the client's TLS handshake: no round can ever run. */
        TLS_REFUSED,
        /** The application stopped meanwhile. */
        STOPPED
    }

    /** How the warm-up went; {@code lastRound} is null when no round ran. */
    record Result(End end, int rounds, long exchanges, long messages, long millis, WarmUpRound.Result lastRound,
            String problem) {
    }

    private static final long SLACK_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final WarmUpPlan plan;
    private final List<List<List<ProcessingRequest>>> scripts;
    private final Metadata mark;
    private volatile boolean stopped;

    WarmUpRun(WarmUpPlan plan, Map<String, WarmUpRoute> routes, Metadata mark) {
        this.plan = plan;
        this.scripts = scripts(routes, plan.roundSize());
        this.mark = mark;
    }

    /** Exchange {@code i} of a round: the routes in turn, headers only on the first pass, bodies on the next. */
    static List<List<List<ProcessingRequest>>> scripts(Map<String, WarmUpRoute> routes, int roundSize) {
        List<WarmUpRoute> list = List.copyOf(routes.values());
        List<List<List<ProcessingRequest>>> headersOnly = new ArrayList<>();
        List<List<List<ProcessingRequest>>> streamed = new ArrayList<>();
        for (WarmUpRoute route : list) {
            headersOnly.add(WarmUpMessages.steps(route, WarmUpMessages.Shape.HEADERS_ONLY));
            streamed.add(WarmUpMessages.steps(route, WarmUpMessages.Shape.STREAMED_BODIES));
        }
        int size = Math.max(roundSize, 2 * list.size());
        List<List<List<ProcessingRequest>>> scripts = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int route = i % list.size();
            scripts.add((i / list.size()) % 2 == 0 ? headersOnly.get(route) : streamed.get(route));
        }
        return List.copyOf(scripts);
    }

    int exchangesPerRound() {
        return scripts.size();
    }

    void stop() {
        stopped = true;
    }

    Result run(WarmUpChannel channel, CompletableFuture<Void> prepared) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + plan.maxDuration().toNanos();
        long target = plan.target().toNanos();
        ExternalProcessorGrpc.ExternalProcessorStub stub = ExternalProcessorGrpc.newStub(channel.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(mark));
        int rounds = 0;
        long exchanges = 0;
        long messages = 0;
        WarmUpRound.Result last = null;
        boolean within = false;
        while (!stopped && System.nanoTime() < deadline) {
            try {
                last = WarmUpRound.run(stub, scripts, plan.concurrency(), deadline)
                        .get(deadline - System.nanoTime() + SLACK_NANOS, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                break;
            }
            rounds++;
            exchanges += last.exchanges();
            messages += last.messages();
            if (last.tlsRefused() > 0) {
                return new Result(End.TLS_REFUSED, rounds, exchanges, messages, millisSince(start), last, last.firstProblem());
            }
            if (last.within(target)) {
                within = true;
                break;
            }
            if (last.unreachable() == last.exchanges()) {
                // Nothing reached the port (not accepting yet?): try again shortly rather than spin.
                Thread.sleep(50);
            }
        }
        if (stopped) {
            return new Result(End.STOPPED, rounds, exchanges, messages, millisSince(start), last, null);
        }
        String problem = null;
        if (within) {
            try {
                prepared.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                within = false;
                problem = "a stage was still preparing";
            }
        } else if (last != null) {
            problem = last.firstProblem();
        }
        return new Result(within ? End.WARM : End.CAPPED, rounds, exchanges, messages, millisSince(start), last, problem);
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
