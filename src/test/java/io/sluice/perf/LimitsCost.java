package io.sluice.perf;

import java.util.List;
import java.util.Map;

import io.sluice.testing.ProcessProbe;

/**
 * Part {@code limits} of the suite: what the transport limits of issue 12 cost an Envoy that respects them. The
 * packaged Sluice twice, side by side: with the defaults, and with every limit relaxed through its real key to where it
 * never trips ({@link #RELAXED}); headers-only exchanges at the suite's concurrency against each, rounds alternating
 * A-B-B-A, reported as the median of per-round throughput ratios (target: the limits cost under 3 %, a ratio of at
 * least 0.97).
 */
final class LimitsCost {

    /**
     * Every limit as far out as its key allows: grpc-java then skips its checks or never reaches them (the per-frame
     * bookkeeping of the rapid-reset guards stays; that is part of what is measured).
     */
    static final Map<String, String> RELAXED = Map.of(
            "sluice.transport.handshake-timeout", "1000d",
            "sluice.transport.max-connection-idle", "1000d",
            "sluice.transport.permit-keep-alive-time", "1ms",
            "sluice.transport.max-header-list-size", Integer.toString(Integer.MAX_VALUE),
            "sluice.transport.max-resets-per-second", Integer.toString(Integer.MAX_VALUE),
            "sluice.transport.max-early-resets-per-second", Integer.toString(Integer.MAX_VALUE));

    record Outcome(PerfTable table, List<ExtProcLoad.Result> runs, double ratio) {
    }

    private LimitsCost() {
    }

    static Outcome run(ProtocolLevel.Target on, ProtocolLevel.Target off, PerfSettings settings) throws InterruptedException {
        ExtProcWorkload workload = ExtProcWorkload.HEADERS_ONLY;
        ExtProcLoad.Closed model = new ExtProcLoad.Closed(settings.concurrency());
        for (ProtocolLevel.Target target : List.of(off, on)) {
            ExtProcLoad.run(target.name(), target.port(), workload, model, java.time.Duration.ZERO, settings.warmup(),
                    target.probe()::cpuNanos, () -> { });
        }
        Map<String, List<ExtProcLoad.Result>> runs = ProtocolLevel.rounds(on, off, workload, model, settings);
        List<ExtProcLoad.Result> withLimits = runs.get(on.name());
        List<ExtProcLoad.Result> without = runs.get(off.name());
        double ratio = ProtocolLevel.medianRatio(withLimits, without, ExtProcLoad.Result::exchangesPerSecond);
        PerfTable table = new PerfTable("limits", "Transport limits on (defaults) against relaxed (effectively off), "
                + "headers-only, fixed concurrency (target: the limits cost under 3 %)",
                "round", "order", "limits on exchanges/s", "limits off exchanges/s", "ratio", "limits on p99 µs",
                "limits off p99 µs");
        for (int i = 0; i < withLimits.size(); i++) {
            ExtProcLoad.Result a = withLimits.get(i);
            ExtProcLoad.Result b = without.get(i);
            table.row(i + 1, i % 2 == 0 ? "off, on" : "on, off", a.exchangesPerSecond(), b.exchangesPerSecond(),
                    a.exchangesPerSecond() / b.exchangesPerSecond(), a.messageMicros(99), b.messageMicros(99));
        }
        table.row("median", "", ProtocolLevel.median(withLimits, ExtProcLoad.Result::exchangesPerSecond).exchangesPerSecond(),
                ProtocolLevel.median(without, ExtProcLoad.Result::exchangesPerSecond).exchangesPerSecond(), ratio,
                ProtocolLevel.median(withLimits, r -> r.messageMicros(99)).messageMicros(99),
                ProtocolLevel.median(without, r -> r.messageMicros(99)).messageMicros(99));
        table.note(String.format("Two packaged Sluices (%s each), one with the defaults, one with %s. %d in flight over "
                + "%d connections, %d round(s) of %d ms each side after a %d ms warm-up; the median of per-round ratios "
                + "is the figure (%s).", String.join(" ", PerformanceSuiteIT.JVM), RELAXED, settings.concurrency(),
                ExtProcLoad.CONNECTIONS, settings.rounds(), settings.measure().toMillis(), settings.warmup().toMillis(),
                ratio >= 0.97 ? "met" : String.format("missed: the limits cost %.1f %%", (1 - ratio) * 100)));
        return new Outcome(table, runs.values().stream().flatMap(List::stream).toList(), ratio);
    }

    static ProtocolLevel.Target target(String name, int port, long pid) {
        return new ProtocolLevel.Target(name, port, new ProcessProbe(pid));
    }
}
