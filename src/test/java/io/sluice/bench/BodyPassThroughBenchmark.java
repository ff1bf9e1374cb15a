package io.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.sluice.testing.Bench;
import io.sluice.testing.EchoUpstream;
import io.sluice.testing.EnvoyLauncher;

/**
 * MB/s of a response body through Envoy with Sluice (STREAMED and FULL_DUPLEX_STREAMED, default pipeline, i.e.
 * pass-through) against the same Envoy without the ext_proc filter, alternating in the same run.
 * Run with {@code ./mvnw -Pbench test -Dtest=BodyPassThroughBenchmark}; not part of the test suite.
 */
@QuarkusTest
@Bench
class BodyPassThroughBenchmark {

    static final long BYTES = Long.getLong("bench.bytes", 128L * 1024 * 1024);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

    @Test
    void passThroughAgainstNoExtProc() throws Exception {
        int grpcPort = ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
        Map<String, EnvoyLauncher> envoys = new LinkedHashMap<>();
        StringBuilder report = new StringBuilder();
        try (EchoUpstream upstream = EchoUpstream.standalone()) {
            int upstreamPort = upstream.startAndAwait("127.0.0.1", 0);
            for (String config : List.of("bench-direct", "bench-streamed", "bench-duplex")) {
                envoys.put(config, EnvoyLauncher.start(config, "envoy/" + config + ".yaml", Map.of(
                        "SLUICE_GRPC_PORT", Integer.toString(grpcPort), "UPSTREAM_PORT", Integer.toString(upstreamPort),
                        "LISTEN_PORT", "0", "ADMIN_PORT", "0")));
            }
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int chunk : new int[] { 16 * 1024, 1024 * 1024 }) {
                Map<String, List<Double>> rates = new LinkedHashMap<>();
                download(client, envoys.get("bench-streamed"), chunk); // warm-up
                download(client, envoys.get("bench-duplex"), chunk);
                for (int round = 0; round < ROUNDS; round++) {
                    for (String config : envoys.keySet()) {
                        rates.computeIfAbsent(config, c -> new ArrayList<>()).add(download(client, envoys.get(config), chunk));
                    }
                }
                double direct = median(rates.get("bench-direct"));
                report.append(String.format("upstream chunks of %d KiB, %d MiB per download, median of %d:%n", chunk / 1024,
                        BYTES >> 20, ROUNDS));
                for (var e : rates.entrySet()) {
                    report.append(String.format("  %-15s %7.1f MB/s  (ratio to no ext_proc %.2f)  rounds %s%n", e.getKey(),
                            median(e.getValue()), median(e.getValue()) / direct,
                            e.getValue().stream().map(r -> String.format("%.0f", r)).toList()));
                }
            }
        } finally {
            envoys.values().forEach(EnvoyLauncher::close);
        }
        System.out.println("\n=== Body pass-through ===\n" + report);
        Files.createDirectories(Path.of("target/bench"));
        Files.writeString(Path.of("target/bench/body-pass-through.txt"), report.toString());
    }

    /** MB/s of one download of {@link #BYTES}, read and discarded as it arrives. */
    private static double download(HttpClient client, EnvoyLauncher envoy, int chunk) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + envoy.listenerPort("main") + "/bench?bytes=" + BYTES + "&chunk=" + chunk);
        long start = System.nanoTime();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
        long total = 0;
        byte[] buffer = new byte[256 * 1024];
        try (InputStream in = response.body()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(total).isEqualTo(BYTES);
        return total / 1e6 / seconds;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }
}
