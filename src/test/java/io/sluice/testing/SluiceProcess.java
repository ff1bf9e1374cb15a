package io.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sluice as production runs it: the packaged fast-jar ({@code target/quarkus-app/quarkus-run.jar}) in a JVM of its
 * own, with the JVM options a test chooses (a small heap, say), free ports, and a GC log from which heap occupancy is
 * read. For integration tests run by failsafe after {@code package}.
 */
public final class SluiceProcess implements AutoCloseable {

    /** {@code -Xlog:gc}: "GC(12) Pause Young (Normal) (G1 Evacuation Pause) 50M->13M(64M) 1.1ms". */
    private static final Pattern GC_LINE = Pattern.compile("GC\\(\\d+\\) (Pause .*?) (\\d+)M->(\\d+)M\\(\\d+M\\)");

    private final Process process;
    private final int grpcPort;
    private final int httpPort;
    private final Path log;
    private final Path gcLog;
    private final HttpClient http = HttpClient.newHttpClient();

    private SluiceProcess(Process process, int grpcPort, int httpPort, Path log, Path gcLog) {
        this.process = process;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
        this.log = log;
        this.gcLog = gcLog;
    }

    /** Starts the jar and waits until {@code /q/health/ready} answers 200. */
    public static SluiceProcess start(String name, List<String> jvmOptions, Map<String, String> config) {
        return start(name, jvmOptions, config, Map.of());
    }

    /** As {@link #start(String, List, Map)}, with environment variables too (configuration as a Deployment sets it). */
    public static SluiceProcess start(String name, List<String> jvmOptions, Map<String, String> config,
            Map<String, String> environment) {
        SluiceProcess sluice = launch(name, jvmOptions, config, environment);
        sluice.awaitReady(Duration.ofSeconds(60));
        return sluice;
    }

    /** Starts the jar and returns at once, for a test that times the start itself. */
    public static SluiceProcess launch(String name, List<String> jvmOptions, Map<String, String> config,
            Map<String, String> environment) {
        return launch(name, List.of(), jvmOptions, config, environment);
    }

    /**
     * As {@link #launch(String, List, Map, Map)}, with {@code commandPrefix} in front of the {@code java} command: e.g.
     * {@code taskset -c 0}, to give Sluice one CPU as a pod's {@code limits.cpu=1} does.
     */
    public static SluiceProcess launch(String name, List<String> commandPrefix, List<String> jvmOptions,
            Map<String, String> config, Map<String, String> environment) {
        Path jar = Path.of(System.getProperty("sluice.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no packaged Sluice at " + jar + ": run through `./mvnw verify` (failsafe runs "
                    + "after package)");
        }
        try {
            Path dir = Files.createDirectories(Path.of("target", "sluice-process"));
            Path log = dir.resolve(name + ".log");
            Path gcLog = dir.resolve(name + "-gc.log");
            // A test that must know the port before Sluice runs (an Envoy configured first) passes it in.
            int grpcPort = config.containsKey("quarkus.grpc.server.port")
                    ? Integer.parseInt(config.get("quarkus.grpc.server.port")) : freePort();
            int httpPort = freePort();
            List<String> cmd = new ArrayList<>(commandPrefix);
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmOptions);
            cmd.add("-XX:+ExitOnOutOfMemoryError");
            cmd.add("-Xlog:gc:file=" + gcLog);
            cmd.add("-Dquarkus.grpc.server.port=" + grpcPort);
            cmd.add("-Dquarkus.grpc.server.host=127.0.0.1");
            cmd.add("-Dquarkus.http.port=" + httpPort);
            cmd.add("-Dquarkus.http.host=127.0.0.1");
            if (!config.containsKey("sluice.shutdown.delay")) {
                // Production waits 10 s unhealthy before draining; tests that do not test shutdown should not.
                cmd.add("-Dsluice.shutdown.delay=0s");
            }
            config.forEach((key, value) -> cmd.add("-D" + key + "=" + value));
            cmd.add("-jar");
            cmd.add(jar.toString());
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            return new SluiceProcess(process, grpcPort, httpPort, log, gcLog);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int grpcPort() {
        return grpcPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Sends SIGTERM, as the kubelet does, without waiting. */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to exit; false if it still runs after {@code timeout}. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** Everything Sluice logged so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The process's peak resident set size so far (Linux {@code VmHWM}). */
    public long peakRssBytes() {
        return new ProcessProbe(process.pid()).peakRssBytes();
    }

    /** One collection from the GC log: heap occupancy before and after it. */
    public record Collection(String kind, long beforeBytes, long afterBytes) {
    }

    /** Every collection the GC log shows so far, in order. */
    public List<Collection> collections() throws IOException {
        List<Collection> out = new ArrayList<>();
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                out.add(new Collection(m.group(1), Long.parseLong(m.group(2)) * 1024 * 1024,
                        Long.parseLong(m.group(3)) * 1024 * 1024));
            }
        }
        return out;
    }

    /** A full collection now ({@code jcmd GC.run}), so that the next GC log line shows the live heap. */
    public long liveHeapBytes() throws IOException, InterruptedException {
        int before = collections().size();
        new ProcessProbe(process.pid()).jcmd("GC.run");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<Collection> all = collections();
            if (all.size() > before) {
                return all.get(all.size() - 1).afterBytes();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("jcmd GC.run left no line in the GC log");
    }

    /** One Prometheus sample from {@code /q/metrics}: the first line whose name (and labels) start with {@code name}. */
    public double metric(String name) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)$").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no metric " + name + " at /q/metrics");
        }
        return Double.parseDouble(m.group(1));
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until {@code /q/health/ready} answers 200; closes the process and throws if it does not in time. */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Sluice exited with " + process.exitValue() + " before it was ready:\n" + logTail());
            }
            try {
                var ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        close();
        throw new IllegalStateException("Sluice was not ready within " + timeout + ":\n" + logTail());
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
