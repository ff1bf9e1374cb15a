package io.sluice.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;

import io.sluice.e2e.ExtProcClusterSettings;
import io.sluice.testing.EchoUpstream;
import io.sluice.testing.EnvoyLauncher;

/**
 * Part (c) of the performance suite: HTTP through a real Envoy to the echo upstream, driven by h2load, once through an
 * Envoy without the ext_proc filter and once through the same Envoy with the filter pointing at a running Sluice
 * (default pipeline), per body mode. Gives the throughput ratio (closed model) and the latency ext_proc adds at a fixed
 * rate (open model). h2load's summaries and per-request logs of the last round are left in {@code target/perf/h2load/}.
 */
public final class EnvoyEndToEnd {

    static final Path OUT = Path.of("target", "perf", "h2load");
    /** Issue 6: headers-only ext_proc keeps at least this share of Envoy's own throughput. */
    static final double HEADERS_ONLY_TARGET = 0.6;
    /**
     * The latency run compares both sides at a rate either handles comfortably; above this the comparison would depend
     * on how fast the machine is rather than on what ext_proc adds per request.
     */
    static final int MAX_LATENCY_RATE = 10_000;
    static final int MAX_CONNECTIONS = 4;
    private static final String PROTOCOL = "h2c";
    private static final Duration H2LOAD_SLACK = Duration.ofSeconds(60);

    private EnvoyEndToEnd() {
    }

    /** One workload's measurements; index 0 of each is without ext_proc, 1 with. */
    public record Measured(double[][] roundsPerSecond, Histogram[] latencyMicros) {
    }

    /** The tables of one ext_proc server's runs and, per workload name, what they were made from (for the pictures). */
    public record Outcome(String server, List<PerfTable> tables, Map<String, Measured> workloads) {
    }

    /**
     * Starts the echo upstream and, per workload, the two Envoys, whose cluster to the ext_proc server is
     * {@code cluster}; the server ({@code server} names it in the tables) must already serve {@code grpcPort}. The bare
     * grpc-java handler behind the same Envoy shows what the machine allows any ext_proc server.
     */
    public static Outcome run(String server, int grpcPort, PerfSettings suiteSettings, List<E2eWorkload> workloads,
            ExtProcClusterSettings cluster) {
        PerfSettings settings = suiteSettings.forEndToEnd();
        String slug = (server.equals("Sluice") ? "e2e" : "e2e-" + server.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-"))
                + (cluster.name().equals(ExtProcClusterSettings.ENVOY_GATEWAY) ? "" : "-" + cluster.name());
        int connections = Math.min(MAX_CONNECTIONS, settings.concurrency());
        int streams = Math.max(1, settings.concurrency() / connections);
        PerfTable throughput = new PerfTable(slug + "-throughput", "Through Envoy: throughput with and without ext_proc ("
                + server + ", cluster " + cluster.name() + ")",
                "workload", "requests", "without ext_proc (req/s)", "with ext_proc (req/s)", "ratio", "target");
        PerfTable latency = new PerfTable(slug + "-latency", "Through Envoy: latency ext_proc adds at a fixed rate (" + server
                + ", cluster " + cluster.name() + ")",
                "workload", "rate (req/s)", "p50 without (µs)", "p50 with (µs)", "p50 added (µs)",
                "p99 without (µs)", "p99 with (µs)", "p99 added (µs)");
        List<String> roundRatios = new ArrayList<>();
        Map<String, Measured> measured = new LinkedHashMap<>();
        Path body = writeBody();
        try (EchoUpstream upstream = EchoUpstream.standalone()) {
            int upstreamPort = upstream.startAndAwait("127.0.0.1", 0);
            for (E2eWorkload workload : workloads) {
                try (EnvoyPair envoys = EnvoyPair.start(workload, grpcPort, upstreamPort, cluster)) {
                    Load load = new Load(workload, envoys, settings, connections, streams, body);
                    double[][] rates = load.throughputRounds();
                    double without = median(rates[0]);
                    double with = median(rates[1]);
                    throughput.row(workload.name(), workload.describe(), without, with, with / without,
                            target(workload, with / without));
                    roundRatios.add(workload.name() + " " + ratios(rates));
                    int perConnection = latencyRatePerConnection(with, settings, connections);
                    Histogram[] histograms = load.latencyRounds(perConnection);
                    long p50Without = histograms[0].getValueAtPercentile(50);
                    long p50With = histograms[1].getValueAtPercentile(50);
                    long p99Without = histograms[0].getValueAtPercentile(99);
                    long p99With = histograms[1].getValueAtPercentile(99);
                    latency.row(workload.name(), perConnection * connections, p50Without, p50With, p50With - p50Without,
                            p99Without, p99With, p99With - p99Without);
                    load.requireEnvoysAnswered2xxOnly();
                    measured.put(workload.name(), new Measured(rates, histograms));
                }
            }
        }
        String shape = "h2load " + String.join(" ", Load.shapeOptions(settings, connections, streams))
                + " [-d <" + E2eWorkload.BODY_BYTES + "-byte file>] http://127.0.0.1:<envoy>/myapp[?bytes=...]";
        String machine = "Everything on one machine with " + Runtime.getRuntime().availableProcessors()
                + " processors (nproc): h2load (one thread), Envoy (--concurrency 1), the echo upstream (Vert.x, in the test "
                + "JVM) and Sluice (its own JVM) share them, so the ratio is the machine's total cost per request, not Envoy's "
                + "alone. Default pipeline (eg-demo); Envoy Gateway's filter settings; no access log. Envoy's cluster to the "
                + "ext_proc server: " + cluster.describe() + ".";
        throughput.note("Closed model over " + PROTOCOL + ": `" + shape + "`, " + connections + " connections x " + streams
                + " streams = " + connections * streams + " requests in flight. Median of " + settings.rounds()
                + " rounds per side, the two sides alternating ABBA. Per-round ratios: " + String.join("; ", roundRatios) + ".")
                .note(machine)
                .note("Target (issue 6): headers-only with ext_proc keeps at least " + HEADERS_ONLY_TARGET
                        + "x of Envoy's throughput without it.");
        latency.note("Open model: the same command with `--rps` per connection, both sides at the same rate: "
                + settings.openLoadFraction() + " of the median throughput with ext_proc, at most " + MAX_LATENCY_RATE
                + " req/s. Percentiles of every request of all " + settings.rounds()
                + " rounds per side (h2load --log-file, from request start to the end of the response).")
                .note(machine);
        return new Outcome(server, List.of(throughput, latency), measured);
    }

    private static int latencyRatePerConnection(double withExtProc, PerfSettings settings, int connections) {
        double total = Math.min(MAX_LATENCY_RATE, withExtProc * settings.openLoadFraction());
        return Math.max(1, (int) (total / connections));
    }

    private static String target(E2eWorkload workload, double ratio) {
        if (!workload.name().equals(E2eWorkload.HEADERS_ONLY)) {
            return "—";
        }
        return String.format("≥ %.2f: %s", HEADERS_ONLY_TARGET, ratio >= HEADERS_ONLY_TARGET ? "met" : "MISSED");
    }

    private static String ratios(double[][] rates) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rates[0].length; i++) {
            out.add(String.format("%.2f", rates[1][i] / rates[0][i]));
        }
        return String.join(" ", out);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static Path writeBody() {
        try {
            Files.createDirectories(OUT);
            return Files.write(OUT.resolve("body-" + E2eWorkload.BODY_BYTES + ".bin"),
                    EchoUpstream.pattern(0, E2eWorkload.BODY_BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The h2load runs of one workload against its two Envoys. Index 0 is without ext_proc, 1 with. */
    private record Load(E2eWorkload workload, EnvoyPair envoys, PerfSettings settings, int connections, int streams,
            Path body) {

        static List<String> shapeOptions(PerfSettings settings, int connections, int streams) {
            return List.of("-c", Integer.toString(connections), "-m", Integer.toString(streams),
                    "--warm-up-time=" + settings.warmup().toMillis() + "ms", "-D", settings.measure().toMillis() + "ms");
        }

        double[][] throughputRounds() {
            double[][] rates = new double[2][settings.rounds()];
            for (int round = 0; round < settings.rounds(); round++) {
                for (boolean withExtProc : abba(round)) {
                    rates[withExtProc ? 1 : 0][round] = h2load("throughput", withExtProc, List.of()).requestsPerSecond();
                }
            }
            return rates;
        }

        Histogram[] latencyRounds(int ratePerConnection) {
            Histogram[] merged = { new Histogram(3), new Histogram(3) };
            for (int round = 0; round < settings.rounds(); round++) {
                for (boolean withExtProc : abba(round)) {
                    merged[withExtProc ? 1 : 0].add(h2load("latency", withExtProc,
                            List.of("--rps=" + ratePerConnection)).latencyMicros());
                }
            }
            return merged;
        }

        /**
         * Envoy's own count of what it answered, over every run including the warm-ups (h2load does not know the status
         * of a response that straddles the end of a warm-up), and a guard against a "with" side that, misconfigured,
         * never reached Sluice and so measured plain Envoy.
         */
        void requireEnvoysAnswered2xxOnly() {
            for (EnvoyLauncher envoy : List.of(envoys.direct, envoys.extProc)) {
                for (String status : List.of("1xx", "3xx", "4xx", "5xx")) {
                    long count = envoy.counterOrZero("http.ingress.downstream_rq_" + status);
                    if (count != 0) {
                        throw new IllegalStateException(workload.name() + ": " + envoy + " answered " + count + " " + status
                                + "; log: " + envoy.logFile() + ", h2load output in " + OUT.toAbsolutePath());
                    }
                }
            }
            long started = envoys.extProc.counter(EnvoyPair.EXT_PROC_STATS + "streams_started");
            long requests = envoys.extProc.counter("http.ingress.downstream_rq_total");
            if (started < requests) {
                throw new IllegalStateException(workload.name() + ": Envoy with ext_proc served " + requests
                        + " requests but opened only " + started + " ext_proc streams; stats: "
                        + envoys.extProc.stats(EnvoyPair.EXT_PROC_STATS) + "\nlog: " + envoys.extProc.logFile());
            }
        }

        /** Without, with in even rounds; with, without in odd ones: drift over the run hits both sides alike. */
        private static List<Boolean> abba(int round) {
            return round % 2 == 0 ? List.of(false, true) : List.of(true, false);
        }

        private H2loadResult h2load(String kind, boolean withExtProc, List<String> extra) {
            List<String> options = new ArrayList<>(shapeOptions(settings, connections, streams));
            options.addAll(extra);
            if (workload.post()) {
                options.addAll(List.of("-d", body.toString(), "-H", "content-type: application/octet-stream"));
            }
            String name = workload.name() + "-" + (withExtProc ? "with" : "without") + "-ext-proc-" + kind;
            URI uri = envoys.uri(withExtProc, workload.path());
            Duration timeout = settings.warmup().plus(settings.measure()).plus(H2LOAD_SLACK);
            return H2load.run(name, OUT, options, uri, timeout)
                    .requireAllSucceeded(name + " (Envoy log " + envoys.side(withExtProc).logFile() + ")", PROTOCOL);
        }
    }
}
