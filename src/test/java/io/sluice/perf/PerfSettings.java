package io.sluice.perf;

import java.time.Duration;

/**
 * How long and how hard the suite measures. The smoke run (the default, part of {@code ./mvnw verify}) takes
 * seconds and proves every part still works; {@code -Dperf.full=true} (profile {@code perf}) is the real run.
 * Every figure can be overridden with {@code -Dperf.<name>=...} for an experiment.
 */
public record PerfSettings(boolean full, int rounds, Duration warmup, Duration measure, int concurrency,
        int streamedConcurrency, double openLoadFraction, int activeStreams, int idleStreams, int startups,
        java.util.Set<String> parts) {

    /** The suite's parts, in the order it runs them; {@code -Dperf.parts=isolation,memory} runs only those. */
    public static final java.util.List<String> PARTS = java.util.List.of("startup", "protocol", "core", "e2e", "limits",
            "isolation", "overload", "memory", "abuse");

    public static PerfSettings current() {
        boolean full = Boolean.getBoolean("perf.full");
        return new PerfSettings(full,
                Integer.getInteger("perf.rounds", full ? 5 : 1),
                Duration.ofMillis(Long.getLong("perf.warmup.ms", full ? 10_000 : 500)),
                Duration.ofMillis(Long.getLong("perf.measure.ms", full ? 5_000 : 700)),
                Integer.getInteger("perf.concurrency", full ? 32 : 8),
                Integer.getInteger("perf.streamed.concurrency", full ? 8 : 2),
                Double.parseDouble(System.getProperty("perf.open.fraction", "0.5")),
                // 360: what one pod admits (sluice.overload.max-exchanges, 400), less a margin for exchanges still ending.
                Integer.getInteger("perf.active.streams", full ? 360 : 100),
                Integer.getInteger("perf.idle.streams", full ? 360 : 300),
                Integer.getInteger("perf.startups", full ? 5 : 1),
                parts(System.getProperty("perf.parts", String.join(",", PARTS))));
    }

    /**
     * Envoy's cluster to the ext_proc server in the parts through Envoy ({@code e2e}, {@code isolation}), by
     * {@link io.sluice.e2e.ExtProcClusterSettings} name: {@code -Dperf.clusters=envoy-gateway,envoy-defaults}. The full
     * run measures both side by side; the smoke only Envoy Gateway's, what its users get.
     */
    public java.util.List<String> clusters() {
        String list = System.getProperty("perf.clusters", full
                ? io.sluice.e2e.ExtProcClusterSettings.ENVOY_GATEWAY + "," + io.sluice.e2e.ExtProcClusterSettings.ENVOY_DEFAULTS
                : io.sluice.e2e.ExtProcClusterSettings.ENVOY_GATEWAY);
        return java.util.Arrays.stream(list.split(",")).map(String::trim).toList();
    }

    /**
     * The warm-up of part {@code core}, per workload and side, before its rounds: {@code -Dperf.core.warmup.ms}, 90 s
     * in the full run. Both servers run on one CPU there, and the JIT compiles on that CPU too: after 100 s of load,
     * compilation still took 40 % of Sluice's CPU samples (async-profiler, {@link CoreProfile}) against 3 to 15 % of the
     * bare handler's, whose code is a fraction of Sluice's. A short warm-up measures the compiler, not the exchange.
     */
    public Duration coreWarmup() {
        return Duration.ofMillis(Long.getLong("perf.core.warmup.ms", full ? 90_000 : warmup.toMillis()));
    }

    /** Whether this run includes the named part of {@link #PARTS}. */
    public boolean runs(String part) {
        return parts.contains(part);
    }

    private static java.util.Set<String> parts(String list) {
        java.util.Set<String> parts = new java.util.LinkedHashSet<>();
        for (String part : list.split(",")) {
            String name = part.trim();
            if (!PARTS.contains(name)) {
                throw new IllegalArgumentException("-Dperf.parts: unknown part '" + name + "'; the parts are " + PARTS);
            }
            parts.add(name);
        }
        return java.util.Set.copyOf(parts);
    }

    /**
     * For the h2load runs: Envoy is native and Sluice is already warm from the protocol-level part, so each run needs
     * only a short warm-up, and three rounds keep the end-to-end part within minutes.
     */
    public PerfSettings forEndToEnd() {
        Duration shortWarmup = warmup.compareTo(Duration.ofSeconds(3)) > 0 ? Duration.ofSeconds(3) : warmup;
        return new PerfSettings(full, Math.min(rounds, 3), shortWarmup, measure, concurrency, streamedConcurrency,
                openLoadFraction, activeStreams, idleStreams, startups, parts);
    }
}
