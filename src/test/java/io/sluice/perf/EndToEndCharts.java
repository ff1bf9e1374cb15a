package io.sluice.perf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * The pictures of the end-to-end part, per workload: latency at the fixed rate and each round's throughput, through
 * Envoy with Sluice, through Envoy alone (Sluice's rounds), and with any other ext_proc server measured on that
 * workload beside it (the bare grpc-java handler, headers only).
 */
public final class EndToEndCharts {

    private EndToEndCharts() {
    }

    public static List<PerfFigure> figures(EnvoyEndToEnd.Outcome sluice, List<EnvoyEndToEnd.Outcome> others) {
        List<PerfFigure> figures = new ArrayList<>();
        for (Map.Entry<String, EnvoyEndToEnd.Measured> workload : sluice.workloads().entrySet()) {
            Map<String, Histogram> latency = new LinkedHashMap<>();
            Map<String, double[]> rounds = new LinkedHashMap<>();
            latency.put("Envoy + " + sluice.server(), workload.getValue().latencyMicros()[1]);
            rounds.put("Envoy + " + sluice.server(), workload.getValue().roundsPerSecond()[1]);
            latency.put("Envoy alone", workload.getValue().latencyMicros()[0]);
            rounds.put("Envoy alone", workload.getValue().roundsPerSecond()[0]);
            for (EnvoyEndToEnd.Outcome other : others) {
                EnvoyEndToEnd.Measured same = other.workloads().get(workload.getKey());
                if (same != null) {
                    latency.put("Envoy + " + other.server(), same.latencyMicros()[1]);
                    rounds.put("Envoy + " + other.server(), same.roundsPerSecond()[1]);
                }
            }
            String slug = "e2e-" + workload.getKey();
            figures.add(PercentileChart.figure("latency-" + slug, "Through Envoy, " + workload.getKey()
                    + ": request latency at a fixed rate (h2load, every round)", latency, TimeUnit.MICROSECONDS));
            figures.add(RoundsChart.figure("throughput-" + slug, "Through Envoy, " + workload.getKey()
                    + ": throughput per round (h2load, closed model)", rounds, "requests/s"));
        }
        return figures;
    }
}
