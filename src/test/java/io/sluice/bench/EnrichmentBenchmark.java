package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sluice.perf.ExtProcLoad;
import io.sluice.perf.ExtProcWorkload;
import io.sluice.testing.Bench;
import io.sluice.testing.EnrichmentServerResource;

/**
 * Exchanges per second with the {@code enrichment} stage against a real loopback service, next to the same Envoy
 * Gateway demo stage without it, in one run: (a) no enrichment, (b) every exchange answered from the cache,
 * (c) every exchange a cache miss against a service answering in 5 ms. Rounds rotate the order so machine noise hits
 * all three alike; the figures are medians. Run with {@code ./mvnw -Pbench test -Dtest=EnrichmentBenchmark}.
 */
@QuarkusTest
@QuarkusTestResource(EnrichmentServerResource.class)
@Bench
class EnrichmentBenchmark {

    static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 32);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 4);
    static final Duration MEASURE = Duration.ofSeconds(Integer.getInteger("bench.seconds", 5));
    static final Duration SETTLE = Duration.ofSeconds(1);

    @Inject
    MeterRegistry registry;

    @Test
    void enrichmentCacheHitAndMissAgainstNoEnrichment() throws Exception {
        int port = ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
        AtomicLong misses = new AtomicLong();
        ProcessingRequest plain = request("/myapp");
        ProcessingRequest hit = request("/bench-enrich/hit");
        Map<String, Supplier<ProcessingRequest>> configurations = new LinkedHashMap<>();
        configurations.put("no enrichment", () -> plain);
        configurations.put("enrichment, cache hit", () -> hit);
        configurations.put("enrichment, cache miss (5 ms service)",
                () -> request("/bench-enrich/enrich-wait5/" + misses.incrementAndGet()));
        Map<String, List<ExtProcLoad.Result>> results = new LinkedHashMap<>();
        configurations.keySet().forEach(name -> results.put(name, new ArrayList<>()));
        List<String> names = new ArrayList<>(configurations.keySet());
        for (String name : names) {
            load(name, port, configurations.get(name), Duration.ZERO, Duration.ofSeconds(4));
        }
        double failuresBefore = failures();
        StringBuilder report = new StringBuilder("# Enrichment benchmark\n\n");
        for (int round = 0; round < ROUNDS; round++) {
            List<String> order = new ArrayList<>(names);
            java.util.Collections.rotate(order, round);
            for (String name : order) {
                ExtProcLoad.Result r = load(name, port, configurations.get(name), SETTLE, MEASURE);
                results.get(name).add(r);
                report.append(String.format("round %d: %-40s %8.0f exchanges/s  p50 %6.2f ms  p99 %6.2f ms%n", round + 1, name,
                        r.exchangesPerSecond(), r.messageMicros(50) / 1000, r.messageMicros(99) / 1000));
            }
        }
        ExtProcLoad.Result base = median(results.get(names.get(0)));
        report.append(String.format("%n%d rounds, %d concurrent streams, %d s each; medians:%n%n"
                + "| configuration | exchanges/s | ratio to no enrichment | p50 ms per message | p99 ms per message |%n| --- | --- | --- | --- | --- |%n",
                ROUNDS, CONCURRENCY, MEASURE.toSeconds()));
        for (String name : names) {
            ExtProcLoad.Result m = median(results.get(name));
            report.append(String.format("| %s | %.0f | %.2f | %.2f | %.2f |%n", name, m.exchangesPerSecond(),
                    m.exchangesPerSecond() / base.exchangesPerSecond(), m.messageMicros(50) / 1000,
                    m.messageMicros(99) / 1000));
        }
        double failed = failures() - failuresBefore;
        report.append(String.format("%nenrichment failures during the measured rounds: %.0f%n", failed));
        Path out = Path.of("target", "bench", "enrichment.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println(report);
        assertThat(failed).as("every measured exchange was really enriched").isZero();
    }

    double failures() {
        return registry.find("sluice.enrichment.calls").counters().stream()
                .filter(c -> !List.of("ok", "cache-hit").contains(c.getId().getTag("outcome")))
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private static ExtProcLoad.Result median(List<ExtProcLoad.Result> results) {
        List<ExtProcLoad.Result> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparingDouble(ExtProcLoad.Result::exchangesPerSecond));
        return sorted.get(sorted.size() / 2);
    }

    /** Headers-only exchanges at {@link #CONCURRENCY}, the request headers of each from {@code first}. */
    private static ExtProcLoad.Result load(String name, int port, Supplier<ProcessingRequest> first, Duration warmup,
            Duration measure) throws InterruptedException {
        ExtProcLoad.Result r = ExtProcLoad.run(name, port, ExtProcWorkload.HEADERS_ONLY.withFirstMessage(name, first),
                new ExtProcLoad.Closed(CONCURRENCY), warmup, measure, () -> 0L, () -> { });
        assertThat(r.errors()).as(name + ": " + r.firstError()).isZero();
        return r;
    }

    private static ProcessingRequest request(String path) {
        return ExtProcWorkload.requestHeaders(path, true, BodySendMode.NONE, BodySendMode.NONE);
    }
}
