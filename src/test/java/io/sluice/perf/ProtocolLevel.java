package io.sluice.perf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import io.sluice.testing.ProcessProbe;

/**
 * Part (a) and (b) of the suite: every {@link ExtProcWorkload} against Sluice and against the bare grpc-java
 * baseline, first at a fixed concurrency (throughput), then at a fixed arrival rate both can sustain (latency
 * without coordinated omission). Rounds alternate A-B-B-A so drift in the machine's load hits both sides alike;
 * figures are the median round.
 */
public final class ProtocolLevel {

    /** A server under test: where it listens and how to read its process. */
    public record Target(String name, int port, ProcessProbe probe) {
    }

    /** Every measured run, for the checks a test makes (no errors, something measured). */
    public record Outcome(List<PerfTable> tables, List<ExtProcLoad.Result> runs) {
    }

    private ProtocolLevel() {
    }

    public static Outcome run(Target sluice, Target baseline, PerfSettings settings) throws InterruptedException {
        PerfTable closed = new PerfTable("protocol-closed", "Protocol level, fixed concurrency (throughput)",
                "workload", "server", "in flight", "exchanges/s", "messages/s", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs",
                "CPU s per 1,000 exchanges", "live heap MiB", "RSS MiB", "errors");
        PerfTable open = new PerfTable("protocol-open", "Protocol level, fixed arrival rate (latency, corrected for coordinated omission)",
                "workload", "server", "exchanges/s offered", "exchanges/s done", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs",
                "exchange p99 ms", "refused", "errors");
        PerfTable ratios = new PerfTable("protocol-ratios", "Protocol level, Sluice against the baseline (median of per-round ratios)",
                "workload", "throughput ratio", "target", "p99 ratio (closed)", "p99 ratio (open)", "target", "verdict");
        List<ExtProcLoad.Result> all = new ArrayList<>();
        // Both JVMs (and the generator's) compile the paths of every workload before anything is recorded: the first
        // workload measured must not pay for the JIT.
        for (ExtProcWorkload workload : ExtProcWorkload.all()) {
            for (Target target : List.of(baseline, sluice)) {
                ExtProcLoad.run(target.name(), target.port(), workload, new ExtProcLoad.Closed(inFlight(workload, settings)),
                        Duration.ZERO, settings.warmup(), target.probe()::cpuNanos, () -> { });
            }
        }
        for (ExtProcWorkload workload : ExtProcWorkload.all()) {
            int inFlight = inFlight(workload, settings);
            Map<String, List<ExtProcLoad.Result>> closedRuns = rounds(sluice, baseline, workload,
                    new ExtProcLoad.Closed(inFlight), settings);
            ExtProcLoad.Result bClosed = median(closedRuns.get(baseline.name()), ExtProcLoad.Result::exchangesPerSecond);
            ExtProcLoad.Result sClosed = median(closedRuns.get(sluice.name()), ExtProcLoad.Result::exchangesPerSecond);
            // The same offered load for both: a share of what the slower one sustains, so neither is saturated.
            double rate = Math.max(1, settings.openLoadFraction()
                    * Math.min(bClosed.exchangesPerSecond(), sClosed.exchangesPerSecond()));
            Map<String, List<ExtProcLoad.Result>> openRuns = rounds(sluice, baseline, workload,
                    new ExtProcLoad.Open(rate, Math.max(10_000, inFlight * 100)), settings);
            ExtProcLoad.Result bOpen = median(openRuns.get(baseline.name()), r -> r.messageMicros(99));
            ExtProcLoad.Result sOpen = median(openRuns.get(sluice.name()), r -> r.messageMicros(99));
            for (Target target : List.of(baseline, sluice)) {
                ExtProcLoad.Result c = target == baseline ? bClosed : sClosed;
                long rss = target.probe().rssBytes();
                long live = target.probe().liveHeapBytes();
                closed.row(workload.name(), target.name(), inFlight, c.exchangesPerSecond(), c.messagesPerSecond(),
                        c.messageMicros(50), c.messageMicros(90), c.messageMicros(99), c.messageMicros(99.9),
                        c.cpuSecondsPer1000Exchanges(), ProcessProbe.mib(live), ProcessProbe.mib(rss), errors(closedRuns.get(target.name())));
                ExtProcLoad.Result o = target == baseline ? bOpen : sOpen;
                open.row(workload.name(), target.name(), rate, o.exchangesPerSecond(), o.messageMicros(50),
                        o.messageMicros(90), o.messageMicros(99), o.messageMicros(99.9),
                        o.exchangeLatency().getValueAtPercentile(99) / 1e6, o.refused(), errors(openRuns.get(target.name())));
            }
            closedRuns.values().forEach(all::addAll);
            openRuns.values().forEach(all::addAll);
            double throughput = medianRatio(closedRuns.get(sluice.name()), closedRuns.get(baseline.name()),
                    ExtProcLoad.Result::exchangesPerSecond);
            double p99Closed = medianRatio(closedRuns.get(sluice.name()), closedRuns.get(baseline.name()), r -> r.messageMicros(99));
            double p99Open = medianRatio(openRuns.get(sluice.name()), openRuns.get(baseline.name()), r -> r.messageMicros(99));
            boolean targeted = workload == ExtProcWorkload.HEADERS_ONLY;
            ratios.row(workload.name(), throughput, targeted ? "≥ 0.80" : "—", p99Closed, p99Open, targeted ? "≤ 2.00" : "—",
                    targeted ? verdict(throughput, p99Closed, p99Open) : "—");
        }
        closed.note(String.format("Each row is the median of %d round(s) of %d ms, after a warm-up of %d ms per workload "
                + "and server before anything is recorded and a 1 s settle before each run; the load generator "
                + "opens one stream per exchange over %d HTTP/2 connections and resets it after the last reply, as Envoy "
                + "does. Latency is per message (send to reply). CPU, heap and RSS are the server process's; live heap is "
                + "read after a full collection (jcmd GC.run) at the end of the workload.", settings.rounds(),
                settings.measure().toMillis(), settings.warmup().toMillis(), ExtProcLoad.CONNECTIONS));
        closed.note("Workloads: " + String.join("; ", ExtProcWorkload.all().stream()
                .map(w -> w.name() + " = " + w.description()).toList()) + ".");
        open.note(String.format("The offered rate is %.0f%% of the slower server's throughput above, the same for both. "
                + "Exchanges start on schedule whatever the server does, and a first message's latency counts from when it "
                + "was due (HdrHistogram, corrected for coordinated omission).", settings.openLoadFraction() * 100));
        return new Outcome(List.of(closed, open, ratios), all);
    }

    static int inFlight(ExtProcWorkload workload, PerfSettings settings) {
        return workload == ExtProcWorkload.STREAMED_1MIB ? settings.streamedConcurrency() : settings.concurrency();
    }

    private static String verdict(double throughput, double p99Closed, double p99Open) {
        List<String> misses = new ArrayList<>();
        if (throughput < 0.8) {
            misses.add(String.format("throughput %.0f%% below 0.80", (0.8 - throughput) / 0.8 * 100));
        }
        if (p99Closed > 2.0) {
            misses.add(String.format("p99 %.2fx at fixed concurrency", p99Closed));
        }
        if (p99Open > 2.0) {
            misses.add(String.format("p99 %.0fx at fixed rate", p99Open));
        }
        return misses.isEmpty() ? "met" : "missed: " + String.join(", ", misses);
    }

    /** Runs {@code rounds} pairs in A-B, B-A order, each run after a short settle at its load. */
    static Map<String, List<ExtProcLoad.Result>> rounds(Target sluice, Target baseline, ExtProcWorkload workload,
            ExtProcLoad.Model model, PerfSettings settings) throws InterruptedException {
        Map<String, List<ExtProcLoad.Result>> results = new LinkedHashMap<>();
        results.put(baseline.name(), new ArrayList<>());
        results.put(sluice.name(), new ArrayList<>());
        for (int round = 0; round < settings.rounds(); round++) {
            Duration warmup = min(settings.warmup(), Duration.ofSeconds(1));
            List<Target> order = round % 2 == 0 ? List.of(baseline, sluice) : List.of(sluice, baseline);
            for (Target target : order) {
                results.get(target.name()).add(ExtProcLoad.run(target.name(), target.port(), workload, model, warmup,
                        settings.measure(), target.probe()::cpuNanos, () -> { }));
            }
        }
        return results;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static long errors(List<ExtProcLoad.Result> runs) {
        return runs.stream().mapToLong(ExtProcLoad.Result::errors).sum();
    }

    static ExtProcLoad.Result median(List<ExtProcLoad.Result> runs, ToDoubleFunction<ExtProcLoad.Result> by) {
        List<ExtProcLoad.Result> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(by));
        return sorted.get(sorted.size() / 2);
    }

    /** Ratios of paired rounds, then their median: a pair shares the machine's mood of the moment. */
    static double medianRatio(List<ExtProcLoad.Result> sluice, List<ExtProcLoad.Result> baseline,
            ToDoubleFunction<ExtProcLoad.Result> by) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < sluice.size(); i++) {
            ratios.add(by.applyAsDouble(sluice.get(i)) / by.applyAsDouble(baseline.get(i)));
        }
        ratios.sort(null);
        int n = ratios.size();
        return (ratios.get((n - 1) / 2) + ratios.get(n / 2)) / 2;
    }
}
