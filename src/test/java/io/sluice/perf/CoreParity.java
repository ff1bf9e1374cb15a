package io.sluice.perf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import io.sluice.perf.ProtocolLevel.Target;

/**
 * Part {@code core}: the exchange core against the bare grpc-java handler, each pinned to one CPU as the manifests'
 * {@code limits.cpu=1}, on the exchange core's targets: throughput and p99 at 32 and 256 streams in flight, p99 and
 * backlog at fixed arrival rates of 50 % and 90 % of the bare handler's maximum, and CPU per exchange from 256 to
 * 2,000 streams in flight. Rounds alternate A-B-B-A; a ratio is the median of per-round ratios.
 */
public final class CoreParity {

    static final int[] CONCURRENCIES = { 32, 256 };
    static final double[] ARRIVAL_FRACTIONS = { 0.5, 0.9 };
    static final int MANY_IN_FLIGHT = 2_000;

    /** Every run, for the suite's checks, and the tables and pictures for the report. */
    public record Outcome(List<PerfTable> tables, List<ExtProcLoad.Result> runs, List<PerfFigure> figures) {
    }

    private CoreParity() {
    }

    public static Outcome run(Target sluice, Target baseline, PerfSettings settings) throws InterruptedException {
        List<ExtProcLoad.Result> all = new ArrayList<>();
        List<PerfFigure> figures = new ArrayList<>();
        PerfTable closed = new PerfTable("core-closed", "Exchange core, fixed concurrency, one CPU each",
                "workload", "in flight", "sluice exchanges/s", "baseline exchanges/s", "throughput ratio", "target",
                "sluice p99 µs", "baseline p99 µs", "p99 ratio", "target", "CPU ratio per exchange");
        PerfTable open = new PerfTable("core-open", "Exchange core, fixed arrival rate (share of the bare handler's maximum)",
                "workload", "share", "offered/s", "sluice done/s", "baseline done/s", "sluice p99 µs", "baseline p99 µs",
                "p99 ratio", "target", "sluice refused", "backlog");
        PerfTable cpu = new PerfTable("core-cpu", "Exchange core, CPU per exchange as streams in flight grow",
                "server", "CPU ms per exchange at 256", "at " + MANY_IN_FLIGHT, "growth", "target");

        for (ExtProcWorkload workload : List.of(ExtProcWorkload.HEADERS_ONLY, ExtProcWorkload.FOUR_PHASES)) {
            for (Target target : List.of(baseline, sluice)) {
                ExtProcLoad.run(target.name(), target.port(), workload, new ExtProcLoad.Closed(256), Duration.ZERO,
                        settings.coreWarmup(), target.probe()::cpuNanos, () -> { });
            }
        }
        double baselineMax = 0;
        for (ExtProcWorkload workload : List.of(ExtProcWorkload.HEADERS_ONLY, ExtProcWorkload.FOUR_PHASES)) {
            boolean headersOnly = workload == ExtProcWorkload.HEADERS_ONLY;
            for (int inFlight : CONCURRENCIES) {
                Map<String, List<ExtProcLoad.Result>> runs = ProtocolLevel.rounds(sluice, baseline, workload,
                        new ExtProcLoad.Closed(inFlight), settings);
                runs.values().forEach(all::addAll);
                List<ExtProcLoad.Result> s = runs.get(sluice.name());
                List<ExtProcLoad.Result> b = runs.get(baseline.name());
                ExtProcLoad.Result sm = ProtocolLevel.median(s, ExtProcLoad.Result::exchangesPerSecond);
                ExtProcLoad.Result bm = ProtocolLevel.median(b, ExtProcLoad.Result::exchangesPerSecond);
                String slug = "core-" + workload.name() + "-" + inFlight;
                figures.add(PercentileChart.figure("latency-" + slug, String.format("Exchange core, %s: per-message "
                        + "latency at %d in flight, one CPU", workload.name(), inFlight), latency(sluice, baseline, runs),
                        TimeUnit.NANOSECONDS));
                figures.add(RoundsChart.figure("throughput-" + slug, String.format("Exchange core, %s: throughput per "
                        + "round at %d in flight, one CPU", workload.name(), inFlight), throughput(sluice, baseline, runs),
                        "exchanges/s"));
                if (headersOnly) {
                    baselineMax = Math.max(baselineMax, bm.exchangesPerSecond());
                }
                closed.row(workload.name(), inFlight, sm.exchangesPerSecond(), bm.exchangesPerSecond(),
                        ProtocolLevel.medianRatio(s, b, ExtProcLoad.Result::exchangesPerSecond), headersOnly ? "≥ 0.95" : "≥ 0.85",
                        sm.messageMicros(99), bm.messageMicros(99), ProtocolLevel.medianRatio(s, b, r -> r.messageMicros(99)),
                        "≤ 1.50", ProtocolLevel.medianRatio(s, b, ExtProcLoad.Result::cpuSecondsPer1000Exchanges));
            }
        }
        for (double share : ARRIVAL_FRACTIONS) {
            double rate = share * baselineMax;
            Map<String, List<ExtProcLoad.Result>> runs = ProtocolLevel.rounds(sluice, baseline, ExtProcWorkload.HEADERS_ONLY,
                    new ExtProcLoad.Open(rate, 10_000), settings);
            runs.values().forEach(all::addAll);
            List<ExtProcLoad.Result> s = runs.get(sluice.name());
            List<ExtProcLoad.Result> b = runs.get(baseline.name());
            ExtProcLoad.Result sm = ProtocolLevel.median(s, r -> r.messageMicros(99));
            ExtProcLoad.Result bm = ProtocolLevel.median(b, r -> r.messageMicros(99));
            figures.add(PercentileChart.figure(String.format("latency-core-headers-only-rate-%.0f", share * 100),
                    String.format("Exchange core, headers-only: per-message latency at %.0f exchanges/s (%.0f%% of the "
                            + "bare handler's maximum), one CPU", rate, share * 100), latency(sluice, baseline, runs),
                    TimeUnit.NANOSECONDS));
            long refused = s.stream().mapToLong(ExtProcLoad.Result::refused).sum();
            double keptUp = s.stream().mapToDouble(r -> r.exchangesPerSecond() / rate).min().orElse(0);
            open.row(ExtProcWorkload.HEADERS_ONLY.name(), String.format("%.0f%%", share * 100), rate,
                    sm.exchangesPerSecond(), bm.exchangesPerSecond(), sm.messageMicros(99), bm.messageMicros(99),
                    ProtocolLevel.medianRatio(s, b, r -> r.messageMicros(99)), "≤ 1.50", refused,
                    refused == 0 && keptUp >= 0.98 ? "none" : String.format("growing: %.0f%% of the offered rate done", keptUp * 100));
        }
        for (Target target : List.of(baseline, sluice)) {
            double[] perExchange = new double[2];
            int[] levels = { 256, MANY_IN_FLIGHT };
            for (int i = 0; i < levels.length; i++) {
                List<Double> rounds = new ArrayList<>();
                for (int round = 0; round < settings.rounds(); round++) {
                    ExtProcLoad.Result r = ExtProcLoad.run(target.name(), target.port(), ExtProcWorkload.HEADERS_ONLY,
                            new ExtProcLoad.Closed(levels[i]), Duration.ofSeconds(1), settings.measure(),
                            target.probe()::cpuNanos, () -> { });
                    all.add(r);
                    rounds.add(r.cpuSecondsPer1000Exchanges());
                }
                rounds.sort(null);
                perExchange[i] = rounds.get(rounds.size() / 2);
            }
            cpu.row(target.name(), perExchange[0], perExchange[1], perExchange[1] / perExchange[0],
                    target == sluice ? "≤ 1.20" : "—");
        }
        closed.note(String.format("Both servers pinned to CPU 0 (taskset), the load generator on the others; %d round(s) "
                + "of %d ms after a %d ms warm-up per workload and side. Latency is per message, send to reply. CPU ratio: Sluice's "
                + "CPU seconds per exchange over the baseline's.", settings.rounds(), settings.measure().toMillis(),
                settings.coreWarmup().toMillis()));
        open.note("Offered rates are shares of the bare handler's best headers-only throughput above; exchanges start on "
                + "schedule whatever the server does (latency corrected for coordinated omission). Backlog: 'none' when "
                + "every round completed at least 98 % of the offered rate and no exchange was refused.");
        cpu.note("CPU milliseconds of the server process per headers-only exchange (median round), at fixed "
                + "concurrency; Sluice runs with sluice.overload.max-exchanges raised so that 2,000 streams are admitted.");
        return new Outcome(List.of(closed, open, cpu), all, figures);
    }

    /** Every round of each side in one distribution; Sluice first. */
    private static Map<String, Histogram> latency(Target sluice, Target baseline, Map<String, List<ExtProcLoad.Result>> runs) {
        Map<String, Histogram> lines = new LinkedHashMap<>();
        for (Target target : List.of(sluice, baseline)) {
            lines.put(target.name(), ProtocolLevel.merged(runs.get(target.name())));
        }
        return lines;
    }

    private static Map<String, double[]> throughput(Target sluice, Target baseline, Map<String, List<ExtProcLoad.Result>> runs) {
        Map<String, double[]> rounds = new LinkedHashMap<>();
        for (Target target : List.of(sluice, baseline)) {
            rounds.put(target.name(), runs.get(target.name()).stream().mapToDouble(ExtProcLoad.Result::exchangesPerSecond)
                    .toArray());
        }
        return rounds;
    }
}
