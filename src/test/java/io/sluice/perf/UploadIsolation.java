package io.sluice.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import io.sluice.e2e.ExtProcClusterSettings;
import io.sluice.testing.EchoUpstream;
import io.sluice.testing.EnvoyLauncher;

/**
 * Part (f) of the performance suite: streams that must not stall each other. 1 MiB uploads with a STREAMED request body
 * (h2load, a fixed number in flight) and, beside them, one headers-only request every 100 ms (open model: sent on
 * schedule whatever the answers), through one Envoy ({@code envoy/perf-isolation.yaml}: 1 s timer for the uploads,
 * Envoy's 200 ms for the probes; fail closed) whose ext_proc cluster is what Envoy Gateway renders (64 KiB stream and
 * 1 MiB connection windows, 32 KiB buffer limit) or Envoy's defaults. The same run against any ext_proc server; the bare grpc-java
 * handler behind the same Envoy is the baseline.
 */
final class UploadIsolation {

    static final int BODY_BYTES = 1 << 20;
    static final Duration PROBE_INTERVAL = Duration.ofMillis(100);
    static final Path OUT = Path.of("target", "perf", "isolation");
    static final int WARM_UP_ROUNDS = 3;

    /** One run: uploads in flight and what they and the probes beside them got. */
    record Run(String server, String cluster, int inFlight, long uploads, long uploadsFailed, double seconds, long probes,
            long probesFailed, long probeP50Micros, long probeP99Micros, long backedUp, String envoyCounts) {

        double probeFailedShare() {
            return probes == 0 ? 0 : (double) probesFailed / probes;
        }
    }

    /** Shapes (uploads in flight, connections) of the run: the 100 and 1,000 in flight, or a small smoke. */
    static List<int[]> shapes(PerfSettings settings) {
        String override = System.getProperty("perf.isolation.shapes");
        if (override != null) {
            // An experiment: -Dperf.isolation.shapes=1000x50,100x5 (uploads in flight x h2load connections).
            List<int[]> shapes = new ArrayList<>();
            for (String shape : override.split(",")) {
                String[] parts = shape.trim().split("x");
                shapes.add(new int[] { Integer.parseInt(parts[0]), Integer.parseInt(parts[1]) });
            }
            return shapes;
        }
        return settings.full() ? List.of(new int[] { 100, 5 }, new int[] { 1_000, 50 }) : List.of(new int[] { 20, 2 });
    }

    /** Every shape against one server, the Envoy's cluster to it being {@code cluster}. */
    static List<Run> run(String server, int grpcPort, PerfSettings settings, ExtProcClusterSettings cluster) {
        List<Run> runs = new ArrayList<>();
        Path body = writeBody();
        try (EchoUpstream upstream = EchoUpstream.standalone()) {
            Map<String, String> vars = new HashMap<>(cluster.templateVars());
            vars.put("SLUICE_GRPC_PORT", Integer.toString(grpcPort));
            vars.put("UPSTREAM_PORT", Integer.toString(upstream.startAndAwait("127.0.0.1", 0)));
            String name = "perf-isolation-" + slug(server) + "-" + cluster.name();
            try (EnvoyLauncher envoy = EnvoyLauncher.start(name + "-warm-up", "envoy/perf-isolation.yaml", vars)) {
                // The servers start cold for this part: warm both the same way, and measure neither's JIT.
                for (int round = 0; round < WARM_UP_ROUNDS; round++) {
                    once(server, cluster, envoy, 20, 2, body);
                }
            }
            for (int[] shape : shapes(settings)) {
                // A fresh Envoy per run: its counters and its connections to the processor start from nothing.
                try (EnvoyLauncher envoy = EnvoyLauncher.start(name + "-" + shape[0], "envoy/perf-isolation.yaml", vars)) {
                    runs.add(once(server, cluster, envoy, shape[0], shape[1], body));
                }
            }
        }
        return runs;
    }

    private static Run once(String server, ExtProcClusterSettings cluster, EnvoyLauncher envoy, int inFlight, int connections,
            Path body) {
        int port = envoy.listenerPort("main");
        int uploads = 2 * inFlight;
        ConcurrentLinkedQueue<long[]> probes = new ConcurrentLinkedQueue<>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/myapp"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor();
        ConcurrentLinkedQueue<java.util.concurrent.CompletableFuture<?>> sent = new ConcurrentLinkedQueue<>();
        schedule.scheduleAtFixedRate(() -> {
            long start = System.nanoTime();
            sent.add(client.sendAsync(probe, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
                probes.add(new long[] { failure == null ? response.statusCode() : 0, (System.nanoTime() - start) / 1_000 });
                return null;
            }));
        }, 0, PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        H2loadResult result;
        long startNanos = System.nanoTime();
        try {
            result = H2load.run("uploads-" + slug(server) + "-" + cluster.name() + "-" + inFlight, OUT,
                    List.of("-c", Integer.toString(connections), "-m", Integer.toString(inFlight / connections),
                            "-n", Integer.toString(uploads), "-d", body.toString(),
                            "-H", "content-type: application/octet-stream"),
                    URI.create("http://127.0.0.1:" + port + "/upload"), Duration.ofMinutes(5));
        } finally {
            schedule.shutdownNow();
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        sent.forEach(f -> f.orTimeout(15, TimeUnit.SECONDS).exceptionally(t -> null).join());
        Histogram latency = new Histogram(3);
        long failed = 0;
        for (long[] p : probes) {
            if (p[0] != 200) {
                failed++;
            }
            latency.recordValue(p[1]);
        }
        long uploadsFailed = uploads - result.status2xx();
        return new Run(server, cluster.name(), inFlight, uploads, Math.max(0, uploadsFailed), seconds, probes.size(), failed,
                latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
                envoy.counterOrZero("cluster.ext_proc.upstream_flow_control_backed_up_total"), extProcCounts(envoy));
    }

    /** Why requests failed, in Envoy's words: its ext_proc counters per filter (a timer, or the stream's gRPC error). */
    private static String extProcCounts(EnvoyLauncher envoy) {
        StringBuilder out = new StringBuilder();
        for (String filter : List.of("uploads", "probes")) {
            for (String counter : List.of("message_timeouts", "streams_failed", "failure_mode_allowed")) {
                long n = envoy.counterOrZero("http.ingress.ext_proc." + filter + "." + counter);
                if (n > 0) {
                    out.append(out.length() == 0 ? "" : ", ").append(filter).append(' ').append(counter).append(' ').append(n);
                }
            }
        }
        return out.length() == 0 ? "none" : out.toString();
    }

    static PerfTable table(List<Run> runs) {
        PerfTable table = new PerfTable("isolation", "Streams that must not stall each other: 1 MiB STREAMED uploads and "
                + "headers-only probes every 100 ms beside them, through Envoy, with the ext_proc cluster Envoy Gateway renders "
                + "(envoy-gateway) or Envoy's defaults (envoy-defaults)",
                "server", "Envoy's cluster to it", "uploads in flight", "uploads", "uploads failed", "seconds", "probes", "probes failed",
                "probe p50 (ms)", "probe p99 (ms)", "Envoy flow control backed up", "Envoy's ext_proc counters");
        for (Run r : runs) {
            table.row(r.server(), r.cluster(), r.inFlight(), r.uploads(), r.uploadsFailed(), r.seconds(), r.probes(), r.probesFailed(),
                    r.probeP50Micros() / 1000.0, r.probeP99Micros() / 1000.0, r.backedUp(), r.envoyCounts());
        }
        return table;
    }

    private static String slug(String server) {
        return server.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    private static Path writeBody() {
        try {
            Files.createDirectories(OUT);
            Path file = OUT.resolve("upload-1mib.bin");
            if (!Files.exists(file) || Files.size(file) != BODY_BYTES) {
                Files.write(file, new byte[BODY_BYTES]);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
