package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Headers-only exchanges per second and per-message latency: Sluice (default pipeline) against a minimal
 * grpc-java handler, alternating rounds in the same JVM and run so machine noise hits both alike.
 * Run with {@code ./mvnw -Pbench test -Dtest=HeadersOnlyBenchmark}; not part of the test suite.
 */
@QuarkusTest
class HeadersOnlyBenchmark {

    static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 32);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 8);
    static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 8));
    static final Duration MEASURE = Duration.ofSeconds(Integer.getInteger("bench.seconds", 5));
    static final Duration SETTLE = Duration.ofSeconds(1);

    @Test
    void sluiceAgainstMinimalGrpcJavaHandler() throws Exception {
        int sluicePort = ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
        List<HeadersOnlyLoad.Result> baseline = new ArrayList<>();
        List<HeadersOnlyLoad.Result> sluice = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        try (BaselineExtProcServer minimal = new BaselineExtProcServer()) {
            // JIT warm-up of both servers (and the client) before anything is recorded.
            HeadersOnlyLoad.run("warmup", minimal.port(), CONCURRENCY, Duration.ZERO, WARMUP);
            HeadersOnlyLoad.run("warmup", sluicePort, CONCURRENCY, Duration.ZERO, WARMUP);
            for (int round = 1; round <= ROUNDS; round++) {
                // Paired rounds in alternating order (ABBA), so drift in machine load hits both sides alike.
                HeadersOnlyLoad.Result b;
                HeadersOnlyLoad.Result s;
                if (round % 2 == 1) {
                    b = HeadersOnlyLoad.run("baseline", minimal.port(), CONCURRENCY, SETTLE, MEASURE);
                    s = HeadersOnlyLoad.run("sluice", sluicePort, CONCURRENCY, SETTLE, MEASURE);
                } else {
                    s = HeadersOnlyLoad.run("sluice", sluicePort, CONCURRENCY, SETTLE, MEASURE);
                    b = HeadersOnlyLoad.run("baseline", minimal.port(), CONCURRENCY, SETTLE, MEASURE);
                }
                baseline.add(b);
                sluice.add(s);
                ratios.add(s.exchangesPerSecond() / b.exchangesPerSecond());
                report.append(String.format("round %d: ratio %.2f%n  %s%n  %s%n", round, ratios.get(round - 1), b.line(), s.line()));
            }
        }
        List<Double> sorted = new ArrayList<>(ratios);
        sorted.sort(null);
        double medianRatio = (sorted.get((sorted.size() - 1) / 2) + sorted.get(sorted.size() / 2)) / 2;
        HeadersOnlyLoad.Result b = median(baseline);
        HeadersOnlyLoad.Result s = median(sluice);
        report.append(String.format("%d paired rounds, %d concurrent streams, %d s each; median round:%n  %s%n  %s%n"
                + "per-round throughput ratios sluice/baseline: %s%n"
                + "median ratio = %.2f (target >= 0.80), min %.2f, max %.2f%n",
                ROUNDS, CONCURRENCY, MEASURE.toSeconds(), b.line(), s.line(),
                ratios.stream().map(r -> String.format("%.2f", r)).toList(), medianRatio, sorted.get(0),
                sorted.get(sorted.size() - 1)));
        System.out.println("\n=== Headers-only exchanges ===\n" + report);
        Files.createDirectories(Path.of("target/bench"));
        Files.writeString(Path.of("target/bench/headers-only.txt"), report.toString());
        assertThat(s.exchanges()).isPositive();
    }

    private static HeadersOnlyLoad.Result median(List<HeadersOnlyLoad.Result> results) {
        List<HeadersOnlyLoad.Result> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingDouble(HeadersOnlyLoad.Result::exchangesPerSecond));
        return sorted.get(sorted.size() / 2);
    }
}
