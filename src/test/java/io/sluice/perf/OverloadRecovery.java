package io.sluice.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

import io.sluice.e2e.ExtProcClusterSettings;
import io.sluice.testing.EchoUpstream;
import io.sluice.testing.EnvoyLauncher;

/**
 * Part (g) of the performance suite: overload shed early, not queued. Headers-only requests through Envoy (Envoy
 * Gateway's cluster, 200 ms timer, fail closed: the probe route of {@code envoy/perf-isolation.yaml}) at a fixed rate
 * (h2load {@code --rps}, open model): 40 % of the measured maximum, then 150 % for {@link #OVERLOAD}, then 40 % again.
 * Reported: the p99 before, per second after, how long until it is back within 2x, and what failed in each phase.
 */
final class OverloadRecovery {

    static final Path OUT = Path.of("target", "perf", "overload");
    static final int CONNECTIONS = 8;

    /** One phase at one rate: its failures and its p99, and the p99 of each second (µs). */
    record Phase(String name, int rate, long requests, long failed, long p99Micros, long p99From5sMicros,
            TreeMap<Long, Long> p99BySecond, String envoyCounts) {
    }

    record Run(String server, int maxRate, Phase before, Phase overload, Phase after, long recoverySeconds) {
    }

    static Duration steady(PerfSettings settings) {
        return settings.full() ? Duration.ofSeconds(20) : Duration.ofSeconds(3);
    }

    static final Duration OVERLOAD = Duration.ofSeconds(20);

    static Run run(String server, int grpcPort, PerfSettings settings, ExtProcClusterSettings envoyGateway) {
        try (EchoUpstream upstream = EchoUpstream.standalone()) {
            Map<String, String> vars = new HashMap<>(envoyGateway.templateVars());
            vars.put("SLUICE_GRPC_PORT", Integer.toString(grpcPort));
            vars.put("UPSTREAM_PORT", Integer.toString(upstream.startAndAwait("127.0.0.1", 0)));
            try (EnvoyLauncher envoy = EnvoyLauncher.start("perf-overload-" + slug(server), "envoy/perf-isolation.yaml", vars)) {
                URI uri = URI.create("http://127.0.0.1:" + envoy.listenerPort("main") + "/myapp");
                // The maximum: a closed model, as many requests as answers allow (warms both sides up as well).
                H2loadResult max = H2load.run("max-" + slug(server), OUT, List.of("-c", Integer.toString(CONNECTIONS), "-m", "32",
                        "-D", Long.toString(steady(settings).toSeconds()), "--warm-up-time=2"), uri, Duration.ofMinutes(2));
                int maxRate = (int) max.requestsPerSecond();
                Duration overload = settings.full() ? OVERLOAD : Duration.ofSeconds(3);
                Phase before = phase(server, "before", envoy, uri, (int) (0.4 * maxRate), steady(settings));
                Phase during = phase(server, "overload", envoy, uri, (int) (1.5 * maxRate), overload);
                Phase after = phase(server, "after", envoy, uri, (int) (0.4 * maxRate), steady(settings));
                long recovery = -1;
                for (Map.Entry<Long, Long> second : after.p99BySecond().entrySet()) {
                    boolean restWithin = after.p99BySecond().tailMap(second.getKey(), true).values().stream()
                            .allMatch(p99 -> p99 <= 2 * before.p99Micros());
                    if (restWithin) {
                        recovery = second.getKey();
                        break;
                    }
                }
                return new Run(server, maxRate, before, during, after, recovery);
            }
        }
    }

    /** Envoy's ext_proc counters of the probe filter, and its connections to the processor: read before and after a phase. */
    static final List<String> COUNTERS = List.of("http.ingress.ext_proc.probes.message_timeouts",
            "http.ingress.ext_proc.probes.streams_failed", "cluster.ext_proc.upstream_cx_total",
            "cluster.ext_proc.upstream_rq_pending_total");

    private static Phase phase(String server, String name, EnvoyLauncher envoy, URI uri, int rate, Duration duration) {
        long[] countersBefore = COUNTERS.stream().mapToLong(envoy::counterOrZero).toArray();
        int perConnection = Math.max(1, rate / CONNECTIONS);
        H2loadResult r = H2load.run(name + "-" + slug(server), OUT, List.of("-c", Integer.toString(CONNECTIONS), "-m", "100",
                "--rps=" + perConnection, "-D", Long.toString(duration.toSeconds())), uri, duration.plusMinutes(2));
        Path log = OUT.resolve(name + "-" + slug(server) + ".log");
        TreeMap<Long, Histogram> bySecond = new TreeMap<>();
        long first = Long.MAX_VALUE;
        List<String[]> rows = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(log)) {
                String[] cols = line.split("\t");
                if (cols.length >= 3) {
                    rows.add(cols);
                    first = Math.min(first, Long.parseLong(cols[0]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long failed = 0;
        Histogram all = new Histogram(3);
        Histogram from5s = new Histogram(3);
        for (String[] cols : rows) {
            int status = Integer.parseInt(cols[1]);
            long micros = Long.parseLong(cols[2]);
            if (status < 200 || status > 299) {
                failed++;
            }
            all.recordValue(micros);
            if (Long.parseLong(cols[0]) - first >= 5_000_000) {
                from5s.recordValue(micros);
            }
            bySecond.computeIfAbsent((Long.parseLong(cols[0]) - first) / 1_000_000, s -> new Histogram(3)).recordValue(micros);
        }
        // h2load counts what it could not even send (the client side's own limit) as not done: failed too.
        failed += Math.max(0, r.total() - r.done());
        TreeMap<Long, Long> p99 = new TreeMap<>();
        bySecond.forEach((second, h) -> p99.put(second, h.getValueAtPercentile(99)));
        StringBuilder counts = new StringBuilder();
        for (int i = 0; i < COUNTERS.size(); i++) {
            long delta = envoy.counterOrZero(COUNTERS.get(i)) - countersBefore[i];
            if (delta > 0) {
                String shortName = COUNTERS.get(i).substring(COUNTERS.get(i).lastIndexOf('.') + 1);
                counts.append(counts.length() == 0 ? "" : ", ").append(shortName).append(' ').append(delta);
            }
        }
        return new Phase(name, perConnection * CONNECTIONS, rows.size(), failed, all.getValueAtPercentile(99),
                from5s.getTotalCount() == 0 ? -1 : from5s.getValueAtPercentile(99), p99,
                counts.length() == 0 ? "none" : counts.toString());
    }

    static PerfTable table(List<Run> runs) {
        PerfTable table = new PerfTable("overload", "Overload shed early: headers-only through Envoy (200 ms timer, fail "
                + "closed) at 40 % of the maximum, " + OVERLOAD.toSeconds() + " s at 150 %, then 40 % again (h2load --rps)",
                "server", "max req/s", "phase", "rate", "requests", "failed", "p99 (ms)", "p99 from 5 s on (ms)",
                "p99 per second (ms)", "p99 from 5 s on within 2x of before", "seconds until every later second within 2x",
                "Envoy's counters in the phase");
        for (Run r : runs) {
            for (Phase p : List.of(r.before(), r.overload(), r.after())) {
                StringBuilder perSecond = new StringBuilder();
                p.p99BySecond().values().forEach(v -> perSecond.append(perSecond.length() == 0 ? "" : " ").append(v / 1000));
                boolean after = p == r.after();
                table.row(r.server(), r.maxRate(), p.name(), p.rate(), p.requests(), p.failed(), p.p99Micros() / 1000.0,
                        p.p99From5sMicros() / 1000.0, perSecond,
                        after ? (p.p99From5sMicros() >= 0 && p.p99From5sMicros() <= 2 * r.before().p99Micros() ? "yes" : "no") : "",
                        after ? (r.recoverySeconds() < 0 ? "never" : Long.toString(r.recoverySeconds())) : "", p.envoyCounts());
            }
        }
        return table;
    }

    private static String slug(String server) {
        return server.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }
}
