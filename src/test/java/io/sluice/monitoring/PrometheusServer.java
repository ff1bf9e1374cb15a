package io.sluice.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.sluice.testing.SluiceProcess;

/**
 * A real Prometheus (Debian's 2.42) on a free loopback port with its data in a folder of its own, scraping one Sluice
 * every second as the ServiceMonitor's job would (job {@code sluice}, with the target labels the Prometheus Operator
 * adds), loading the alert rules, and answering its HTTP query API.
 */
public final class PrometheusServer implements AutoCloseable {

    public static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

    /** A query's outcome: Prometheus' status ("success" or "error"), its error, and the result's series. */
    public record Answer(String status, String error, List<JsonNode> series) {
        public boolean ok() {
            return "success".equals(status);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts Prometheus in {@code dir} and waits until it is ready and has scraped the target once. */
    public static PrometheusServer start(Path dir, String target, Map<String, String> targetLabels, Path rulesFile) {
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve("prometheus.yml");
            StringBuilder labels = new StringBuilder();
            targetLabels.forEach((k, v) -> labels.append("          ").append(k).append(": \"").append(v).append("\"\n"));
            Files.writeString(config, """
                    global:
                      scrape_interval: %ds
                      scrape_timeout: %ds
                      evaluation_interval: %ds
                    rule_files:
                      - %s
                    scrape_configs:
                      - job_name: sluice
                        metrics_path: /q/metrics
                        static_configs:
                          - targets: ["%s"]
                            labels:
                    %s""".formatted(SCRAPE_INTERVAL.toSeconds(), SCRAPE_INTERVAL.toSeconds(), SCRAPE_INTERVAL.toSeconds(),
                    rulesFile.toAbsolutePath(), target, labels));
            int port = SluiceProcess.freePort();
            Path data = dir.resolve("data");
            Path log = dir.resolve("prometheus.log");
            List<String> cmd = List.of(PrometheusTools.prometheus().toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + data, "--web.listen-address=127.0.0.1:" + port,
                    "--web.console.templates=" + dir, "--web.console.libraries=" + dir);
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            PrometheusServer server = new PrometheusServer(process, port, log);
            server.awaitFirstScrape(Duration.ofSeconds(30));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code /api/v1/query} at {@code epochSeconds}. */
    public Answer query(String expr, double epochSeconds) {
        return answer(get("/api/v1/query?query=" + enc(expr) + "&time=" + epochSeconds));
    }

    /** {@code /api/v1/query_range} from {@code start} to {@code end} (epoch seconds) every {@code stepSeconds}. */
    public Answer queryRange(String expr, double start, double end, double stepSeconds) {
        return answer(get("/api/v1/query_range?query=" + enc(expr) + "&start=" + start + "&end=" + end + "&step="
                + stepSeconds));
    }

    /** {@code /api/v1/label/<label>/values} of the series {@code match} selects, as Grafana's label_values() asks. */
    public List<String> labelValues(String label, String match) {
        List<String> values = new ArrayList<>();
        get("/api/v1/label/" + label + "/values?match[]=" + enc(match)).path("data").forEach(v -> values.add(v.asText()));
        return values;
    }

    /** {@code /api/v1/rules}: every rule group with each rule's health and last error. */
    public JsonNode rules() {
        return get("/api/v1/rules").path("data").path("groups");
    }

    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitFirstScrape(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Prometheus exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                Answer up = query("up{job=\"sluice\"} == 1", System.currentTimeMillis() / 1000.0);
                if (up.ok() && !up.series().isEmpty()) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // not listening yet
            }
            sleep(200);
        }
        close();
        throw new IllegalStateException("Prometheus did not scrape Sluice within " + timeout + ":\n" + logTail());
    }

    private JsonNode get(String pathAndQuery) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + pathAndQuery)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            // Prometheus answers a query it cannot parse with 400 and a JSON body saying why: that is an answer.
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("Prometheus on port " + port + " did not answer " + pathAndQuery, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Answer answer(JsonNode body) {
        List<JsonNode> series = new ArrayList<>();
        JsonNode result = body.path("data").path("result");
        if (result.isArray()) {
            result.forEach(series::add);
        } else if (!result.isMissingNode() && !result.isNull()) {
            // A scalar or string result: [time, value].
            series.add(body.path("data"));
        }
        return new Answer(body.path("status").asText(), body.path("error").asText(""), series);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
