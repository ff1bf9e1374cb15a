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
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.warmup", 5));
    static final Duration MEASURE = Duration.ofSeconds(Integer.getInteger("bench.seconds", 10));

    @Test
    void sluiceAgainstMinimalGrpcJavaHandler() throws Exception {
        int sluicePort = ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
        List<HeadersOnlyLoad.Result> baseline = new ArrayList<>();
        List<HeadersOnlyLoad.Result> sluice = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        try (BaselineExtProcServer minimal = new BaselineExtProcServer()) {
            for (int round = 1; round <= ROUNDS; round++) {
                baseline.add(HeadersOnlyLoad.run("baseline", minimal.port(), CONCURRENCY, WARMUP, MEASURE));
                sluice.add(HeadersOnlyLoad.run("sluice", sluicePort, CONCURRENCY, WARMUP, MEASURE));
                report.append("round ").append(round).append('\n')
                        .append("  ").append(baseline.get(round - 1).line()).append('\n')
                        .append("  ").append(sluice.get(round - 1).line()).append('\n');
            }
        }
        HeadersOnlyLoad.Result b = median(baseline);
        HeadersOnlyLoad.Result s = median(sluice);
        double ratio = s.exchangesPerSecond() / b.exchangesPerSecond();
        report.append(String.format("median of %d rounds, %d concurrent streams, %d s each:%n  %s%n  %s%n"
                + "  throughput ratio sluice/baseline = %.2f (target >= 0.80)%n",
                ROUNDS, CONCURRENCY, MEASURE.toSeconds(), b.line(), s.line(), ratio));
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
