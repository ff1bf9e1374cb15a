package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import io.sluice.testing.EnvoyLauncher;
import io.sluice.testing.Packaged;
import io.sluice.testing.SluiceProcess;

/**
 * A rolling restart as Kubernetes does it, against the packaged jar and a real Envoy: two Sluice processes behind one
 * ext_proc cluster with Envoy's active gRPC health check, steady load through Envoy, and SIGTERM to one of them.
 * Every client request must come back 200 and processed by a Sluice, including downloads that the stopped Sluice is
 * processing when it refuses new streams (held open by slow readers until after its GOAWAY); the stopped process must
 * exit within its delay plus drain timeout, and log the drain.
 */
@Packaged
class GracefulShutdownIT {

    static final Duration DELAY = Duration.ofSeconds(2);
    static final Duration DRAIN = Duration.ofSeconds(10);
    static final long LONG_BYTES = 64L << 20;
    static final int LONG_DOWNLOADS = 4;
    static final int LOAD_THREADS = 6;

    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final AtomicBoolean released = new AtomicBoolean();
    final AtomicBoolean loadRunning = new AtomicBoolean(true);
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> completedAt = new ConcurrentLinkedQueue<>();

    record Download(long bytes) {
    }

    @Test
    void stoppingOneSluiceUnderLoadFailsNoRequest() throws Exception {
        int portB = SluiceProcess.freePort();
        ExecutorService pool = Executors.newCachedThreadPool();
        try (PackagedEnvoys envoys = new PackagedEnvoys();
                SluiceProcess a = SluiceProcess.start("shutdown-a", List.of("-Xmx128m", "-XX:MaxDirectMemorySize=144m"), Map.of(
                        "sluice.shutdown.delay", DELAY.toMillis() + "ms",
                        "sluice.shutdown.drain-timeout", DRAIN.toMillis() + "ms"))) {
            EnvoyLauncher envoy = envoys.start("graceful-shutdown", "two-sluices", Map.of(
                    "SLUICE_A_PORT", Integer.toString(a.grpcPort()),
                    "SLUICE_B_PORT", Integer.toString(portB)));
            // B does not run yet: A is the only healthy host, so every download below is processed by A.
            await("A healthy, B not", Duration.ofSeconds(20), () -> healthy(envoy) == 1);
            warmUp(envoy);

            CountDownLatch downloadsStarted = new CountDownLatch(LONG_DOWNLOADS);
            List<CompletableFuture<Download>> downloads = new ArrayList<>();
            for (int i = 0; i < LONG_DOWNLOADS; i++) {
                String path = "/myapp/long-" + i + "?bytes=" + LONG_BYTES;
                downloads.add(CompletableFuture.supplyAsync(() -> slowDownload(envoy, path, downloadsStarted), pool));
            }
            assertThat(downloadsStarted.await(20, TimeUnit.SECONDS)).as("downloads answered with headers").isTrue();

            try (SluiceProcess b = SluiceProcess.start("shutdown-b", List.of("-Xmx128m", "-XX:MaxDirectMemorySize=144m"), Map.of(
                    "quarkus.grpc.server.port", Integer.toString(portB)))) {
                await("both healthy", Duration.ofSeconds(20), () -> healthy(envoy) == 2);
                warmUp(envoy);

                List<CompletableFuture<Integer>> load = new ArrayList<>();
                for (int t = 0; t < LOAD_THREADS; t++) {
                    int thread = t;
                    load.add(CompletableFuture.supplyAsync(() -> steadyLoad(envoy, thread), pool));
                }
                Thread.sleep(1000);

                long sigterm = System.nanoTime();
                a.terminate();
                await("Envoy's health check takes A out", DELAY, () -> healthy(envoy) == 1);
                assertThat(a.log()).as("A still serving when Envoy took it out").doesNotContain("refusing new ext_proc streams");
                await("A refuses new streams after the delay", DELAY.plusSeconds(5),
                        () -> a.log().contains("refusing new ext_proc streams"));
                long goAway = System.nanoTime();
                assertThat(Duration.ofNanos(goAway - sigterm)).isGreaterThanOrEqualTo(DELAY.minusMillis(100));
                assertThat(downloads).as("downloads still in flight on A after its GOAWAY").noneMatch(CompletableFuture::isDone);

                Thread.sleep(500);
                released.set(true);
                for (CompletableFuture<Download> download : downloads) {
                    assertThat(download.get(30, TimeUnit.SECONDS).bytes()).isEqualTo(LONG_BYTES);
                }

                assertThat(a.awaitExit(DELAY.plus(DRAIN).plusSeconds(5))).as("A exited\n" + a.logTail()).isTrue();
                Duration exit = Duration.ofNanos(System.nanoTime() - sigterm);
                assertThat(exit).isLessThan(DELAY.plus(DRAIN).plusSeconds(3));

                Thread.sleep(1000);
                loadRunning.set(false);
                int requests = 0;
                for (CompletableFuture<Integer> thread : load) {
                    requests += thread.get(30, TimeUnit.SECONDS);
                }
                assertThat(failures).as("failed requests out of " + requests).isEmpty();
                long duringShutdown = completedAt.stream().filter(at -> at > sigterm && at < sigterm + exit.toNanos()).count();
                assertThat(duringShutdown).as("requests completed while A shut down").isGreaterThan(20);
                assertThat(PackagedEnvoys.extProcCounter(envoy, "streams_started")).isGreaterThan(requests);
                assertThat(PackagedEnvoys.extProcCounter(envoy, "streams_failed")).isZero();

                String log = a.log();
                int unhealthy = log.indexOf("gRPC health NOT_SERVING");
                int refusing = log.indexOf("refusing new ext_proc streams");
                int drained = log.indexOf("Shutdown: drained, every exchange in flight finished");
                assertThat(unhealthy).as(log).isPositive();
                assertThat(refusing).as(log).isGreaterThan(unhealthy);
                assertThat(drained).as(log).isGreaterThan(refusing);
                assertThat(log).doesNotContain("passed with exchanges still in flight");
            }
        } finally {
            released.set(true);
            loadRunning.set(false);
            pool.shutdownNow();
        }
    }

    /** A download read slowly (16 KiB every 50 ms) until released, so its ext_proc stream stays open. */
    Download slowDownload(EnvoyLauncher envoy, String path, CountDownLatch started) {
        try {
            HttpResponse<InputStream> response = client.send(request(envoy, path, Duration.ofSeconds(60)),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-response-ext-processed")).contains("true");
            started.countDown();
            long total = 0;
            byte[] buffer = new byte[16 * 1024];
            try (InputStream body = response.body()) {
                for (int n; (n = body.read(buffer)) >= 0;) {
                    total += n;
                    if (!released.get()) {
                        Thread.sleep(50);
                    }
                }
            }
            return new Download(total);
        } catch (IOException e) {
            throw new IllegalStateException(path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Requests one after another (20 ms apart) until stopped; every one that is not 200 and processed is a failure. */
    int steadyLoad(EnvoyLauncher envoy, int thread) {
        int sent = 0;
        while (loadRunning.get()) {
            String path = "/myapp/load-" + thread + "-" + sent++;
            try {
                HttpResponse<String> response = client.send(request(envoy, path, Duration.ofSeconds(10)),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200
                        || !response.headers().firstValue("x-response-ext-processed").orElse("").equals("true")) {
                    failures.add(path + ": " + response.statusCode() + " " + response.headers().map() + " " + response.body());
                }
            } catch (IOException e) {
                failures.add(path + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            completedAt.add(System.nanoTime());
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return sent;
    }

    /** A fresh JVM's first exchanges can outlast Envoy's message timer; the test is about the shutdown, not that. */
    void warmUp(EnvoyLauncher envoy) throws InterruptedException {
        int ok = 0;
        for (int i = 0; i < 400 && ok < 50; i++) {
            try {
                HttpResponse<String> response = client.send(request(envoy, "/myapp/warm-up-" + i, Duration.ofSeconds(5)),
                        HttpResponse.BodyHandlers.ofString());
                ok = response.statusCode() == 200 ? ok + 1 : 0;
            } catch (IOException retry) {
                ok = 0;
            }
        }
        assertThat(ok).as("50 requests in a row answered during warm-up").isEqualTo(50);
    }

    static HttpRequest request(EnvoyLauncher envoy, String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + envoy.listenerPort("main") + path))
                .timeout(timeout).build();
    }

    static long healthy(EnvoyLauncher envoy) {
        return envoy.clusterHealthFlags("ext_proc").stream().filter("healthy"::equals).count();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
            }
            Thread.sleep(20);
        }
    }
}
