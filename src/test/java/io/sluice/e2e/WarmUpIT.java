package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.sluice.devmode.EnvoyBinary;
import io.sluice.testing.EnvoyLauncher;
import io.sluice.testing.Packaged;
import io.sluice.testing.SluiceProcess;

/**
 * Ready means warm, end to end: a fresh packaged Sluice on one CPU ({@code taskset -c 0}, as a pod's
 * {@code limits.cpu=1}) behind a real Envoy on what Envoy Gateway renders for the separate-Service pattern (its
 * defaults: 200 ms message timeout, no fail-open, EG's cluster windows and buffers), and a client that fires 32 concurrent requests the moment {@code /q/health/ready}
 * says UP, then 100 one after another. With the warm-up on (three fresh starts) every request must be a 200 processed
 * by Sluice. With {@code sluice.warm-up.enabled=false} the same is measured and reported only: a cold JVM is expected
 * to miss Envoy's timer there. Times and failures go to {@code target/warm-up/report.md}.
 */
@Packaged
class WarmUpIT {

    static final int BURST = 32;
    static final int SEQUENTIAL = 100;
    static final List<Boolean> STARTS = List.of(true, false, true, false, true);
    static final Duration READY_WITHIN = Duration.ofSeconds(60);

    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** One fresh start: times from launch (ms), and every request that was not a processed 200. */
    record Start(int number, boolean warmUp, long readyMillis, long firstOkMillis, List<String> burstFailures,
            List<String> sequentialFailures, long slowestMillis, String warmUpLog) {

        int failures() {
            return burstFailures.size() + sequentialFailures.size();
        }
    }

    @Test
    void aFreshSluiceAnswersEnvoysFirstBurstOnceReady() throws Exception {
        int grpcPort = SluiceProcess.freePort();
        List<Start> starts = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(BURST);
        try (PackagedEnvoys envoys = new PackagedEnvoys()) {
            EnvoyLauncher envoy = envoys.startRendered("eg-rendered-warm-up", EnvoyGatewayPattern.separateService(),
                    "127.0.0.1:" + grpcPort);
            int listener = envoy.listenerPort(EnvoyGatewayBootstrap.LISTENER);
            for (int i = 0; i < STARTS.size(); i++) {
                starts.add(freshStart(i + 1, STARTS.get(i), grpcPort, listener, pool));
            }
        } finally {
            pool.shutdownNow();
            writeReport(starts);
        }
        assertThat(starts.stream().filter(Start::warmUp))
                .as("warm starts (report in target/warm-up/report.md)")
                .hasSize(3)
                .allSatisfy(start -> {
                    assertThat(start.burstFailures()).as("start %d: burst of %d at ready", start.number(), BURST).isEmpty();
                    assertThat(start.sequentialFailures()).as("start %d: %d sequential", start.number(), SEQUENTIAL).isEmpty();
                    assertThat(start.warmUpLog()).as("start %d: the warm-up's INFO line", start.number())
                            .contains("Warm-up: warm");
                });
    }

    Start freshStart(int number, boolean warmUp, int grpcPort, int listener, ExecutorService pool) throws Exception {
        long launched = System.nanoTime();
        try (SluiceProcess sluice = SluiceProcess.launch("warm-up-" + number, List.of("taskset", "-c", "0"),
                List.of("-Xmx256m"), Map.of(
                        "quarkus.grpc.server.port", Integer.toString(grpcPort),
                        "sluice.warm-up.enabled", Boolean.toString(warmUp)), Map.of())) {
            long ready = awaitReady(sluice, launched);
            AtomicLong firstOk = new AtomicLong(-1);
            ConcurrentLinkedQueue<String> burstFailures = new ConcurrentLinkedQueue<>();
            AtomicLong slowest = new AtomicLong();
            List<CompletableFuture<Void>> burst = new ArrayList<>();
            for (int i = 0; i < BURST; i++) {
                String path = "/myapp/burst-" + i;
                burst.add(CompletableFuture.runAsync(
                        () -> send(listener, path, launched, firstOk, slowest, burstFailures), pool));
            }
            CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get();
            ConcurrentLinkedQueue<String> sequentialFailures = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < SEQUENTIAL; i++) {
                send(listener, "/myapp/sequential-" + i, launched, firstOk, slowest, sequentialFailures);
            }
            String warmUpLog = sluice.log().lines().filter(line -> line.contains("Warm-up:"))
                    .reduce((a, b) -> a + "\n" + b).orElse("");
            return new Start(number, warmUp, ready, firstOk.get(), List.copyOf(burstFailures),
                    List.copyOf(sequentialFailures), slowest.get(), warmUpLog);
        }
    }

    /** Polls readiness every 20 ms, as tightly as a test can; Kubernetes polls every few seconds. */
    long awaitReady(SluiceProcess sluice, long launched) throws InterruptedException {
        URI ready = URI.create("http://127.0.0.1:" + sluice.httpPort() + "/q/health/ready");
        long deadline = launched + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!sluice.isAlive()) {
                throw new AssertionError("Sluice exited before it was ready:\n" + sluice.logTail());
            }
            try {
                if (client.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return millisSince(launched);
                }
            } catch (IOException notListening) {
                // the HTTP port opens a moment after the gRPC port
            }
            Thread.sleep(20);
        }
        throw new AssertionError("Sluice not ready within " + READY_WITHIN + ":\n" + sluice.logTail());
    }

    void send(int listener, String path, long launched, AtomicLong firstOk, AtomicLong slowest,
            ConcurrentLinkedQueue<String> failures) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener + path))
                    .header("Host", "www.example.com").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            slowest.accumulateAndGet(millisSince(start), Math::max);
            boolean processed = response.headers().firstValue("x-response-ext-processed").orElse("").equals("true");
            if (response.statusCode() == 200 && processed) {
                firstOk.compareAndSet(-1, millisSince(launched));
            } else {
                failures.add(path + ": " + response.statusCode() + " " + response.body().strip());
            }
        } catch (IOException e) {
            failures.add(path + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(path + ": interrupted");
        }
    }

    static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    static void writeReport(List<Start> starts) throws IOException {
        StringBuilder md = new StringBuilder("# Warm-up: a fresh Sluice on one CPU behind Envoy Gateway's defaults\n\n")
                .append("`WarmUpIT`: packaged jar under `taskset -c 0`, `-Xmx256m`; Envoy ").append(EnvoyBinary.VERSION)
                .append(" with `message_timeout` 200 ms, `failure_mode_allow: false`, 64 KiB / 1 MiB HTTP/2 windows, 32 KiB ")
                .append("buffers. At the first `/q/health/ready` 200 (polled every 20 ms): ").append(BURST)
                .append(" concurrent requests, then ").append(SEQUENTIAL).append(" sequential. ")
                .append("A failure is anything but a 200 that Sluice processed.\n\n")
                .append("| start | warm-up | launch to ready | launch to first 200 | failed of burst | failed of sequential | slowest request |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (Start s : starts) {
            md.append("| ").append(s.number()).append(" | ").append(s.warmUp() ? "on" : "off").append(" | ")
                    .append(s.readyMillis()).append(" ms | ").append(s.firstOkMillis() < 0 ? "none" : s.firstOkMillis() + " ms")
                    .append(" | ").append(s.burstFailures().size()).append(" of ").append(BURST).append(" | ")
                    .append(s.sequentialFailures().size()).append(" of ").append(SEQUENTIAL).append(" | ")
                    .append(s.slowestMillis()).append(" ms |\n");
        }
        for (Start s : starts) {
            md.append("\n## Start ").append(s.number()).append(" (warm-up ").append(s.warmUp() ? "on" : "off").append(")\n\n");
            if (!s.warmUpLog().isEmpty()) {
                md.append("```\n").append(s.warmUpLog()).append("\n```\n\n");
            }
            List<String> failed = new ArrayList<>(s.burstFailures());
            failed.addAll(s.sequentialFailures());
            failed.stream().limit(10).forEach(f -> md.append("- ").append(f).append('\n'));
            if (failed.size() > 10) {
                md.append("- ... ").append(failed.size() - 10).append(" more\n");
            }
        }
        Path dir = Files.createDirectories(Path.of(System.getProperty("sluice.build.dir", "target"), "warm-up"));
        Files.writeString(dir.resolve("report.md"), md);
    }
}
