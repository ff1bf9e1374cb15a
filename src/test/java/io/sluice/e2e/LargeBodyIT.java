package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.sluice.testing.EchoText;
import io.sluice.testing.EchoUpstream;
import io.sluice.testing.EnvoyLauncher;
import io.sluice.testing.Packaged;
import io.sluice.testing.SluiceProcess;
import io.vertx.core.json.JsonObject;

/**
 * Backpressure with the real parts and a small heap: Sluice's packaged jar in its own JVM at {@code -Xmx64m}, a real
 * Envoy, the echo upstream, and {@code text-replace} rewriting every line of a large text body, uploaded and
 * downloaded in STREAMED and FULL_DUPLEX_STREAMED mode. What arrives must be the rewritten stream byte for byte; if
 * Sluice buffered instead of letting flow control pace the transfer, the heap would run out and the JVM would exit
 * ({@code -XX:+ExitOnOutOfMemoryError}). 100 MiB per transfer in the suite; {@code -Dlarge.body.mib=1024} for the
 * 1 GiB runs. Figures go to {@code target/large-body/report.md}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Packaged
class LargeBodyIT {

    static final long MIB = 1024 * 1024;
    /** Whole lines only, so that no match is cut in half by the end of the body. */
    static final long BODY_BYTES = Long.getLong("large.body.mib", 100) * MIB / EchoText.LINE_BYTES * EchoText.LINE_BYTES;
    static final String REPLACEMENT = "[redacted]";

    static final int CONCURRENT_STREAMS = 16;

    static SluiceProcess sluice;
    static long idleLiveHeap;
    static int singleStreamFrom;
    static int concurrentFrom;
    static EchoUpstream upstream;
    static final Map<String, EnvoyLauncher> ENVOYS = new LinkedHashMap<>();
    static final StringBuilder REPORT = new StringBuilder();
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        sluice = SluiceProcess.start("large-body", List.of("-Xmx64m", "-Xms64m"), Map.of(
                "sluice.pipelines.default.stages", "text-replace",
                // 64 MiB of direct memory holds the windows of 128 waiting streams, not of a 512 MiB pod's 400.
                "sluice.overload.max-exchanges", "128",
                "sluice.stage.text-replace.directions", "request,response",
                "sluice.stage.text-replace.rules[0].literal", EchoText.SECRET,
                "sluice.stage.text-replace.rules[0].replacement", REPLACEMENT));
        upstream = EchoUpstream.standalone();
        int upstreamPort = upstream.startAndAwait("127.0.0.1", 0);
        for (String mode : new String[] { "STREAMED", "FULL_DUPLEX_STREAMED" }) {
            ENVOYS.put(mode, EnvoyLauncher.start("large-body-" + mode, "envoy/large-body.yaml", Map.of(
                    "SLUICE_GRPC_PORT", Integer.toString(sluice.grpcPort()),
                    "UPSTREAM_PORT", Integer.toString(upstreamPort),
                    "LISTEN_PORT", "0",
                    "ADMIN_PORT", "0",
                    "BODY_MODE", mode,
                    "TRAILER_MODE", mode.equals("STREAMED") ? "SKIP" : "SEND")));
        }
        try {
            idleLiveHeap = sluice.liveHeapBytes();
            singleStreamFrom = sluice.collections().size();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        REPORT.append("# Large bodies through Envoy and Sluice at -Xmx64m\n\n")
                .append("Body: ").append(BODY_BYTES).append(" bytes of text, every line rewritten by text-replace.\n\n")
                .append("| mode | direction | MB/s |\n| --- | --- | --- |\n");
    }

    @AfterAll
    static void stop() throws IOException {
        ENVOYS.values().forEach(EnvoyLauncher::close);
        if (upstream != null) {
            upstream.close();
        }
        if (sluice != null) {
            sluice.close();
        }
        Path report = Files.createDirectories(Path.of("target", "large-body")).resolve("report.md");
        Files.writeString(report, REPORT);
        System.out.println(REPORT);
    }

    @Order(1)
    @ParameterizedTest(name = "upload {0}")
    @ValueSource(strings = { "STREAMED", "FULL_DUPLEX_STREAMED" })
    void uploadArrivesRewritten(String mode) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ENVOYS.get(mode).listenerPort("main") + "/upload"))
                .header("content-type", "text/plain")
                .timeout(Duration.ofMinutes(10))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new TextStream(BODY_BYTES)))
                .build(), HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject received = new JsonObject(response.body()).getJsonObject("body");
        assertThat(received.getLong("bytes")).isEqualTo(rewrittenLength());
        assertThat(received.getString("sha256")).isEqualTo(rewrittenSha256());
        record(mode, "upload", seconds);
    }

    @Order(2)
    @ParameterizedTest(name = "download {0}")
    @ValueSource(strings = { "STREAMED", "FULL_DUPLEX_STREAMED" })
    void downloadArrivesRewritten(String mode) throws Exception {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ENVOYS.get(mode).listenerPort("main") + "/download?text=1&chunk=16384&bytes="
                        + BODY_BYTES))
                .timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
        String sha256 = sha256(response);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(sha256).isEqualTo(rewrittenSha256());
        record(mode, "download", seconds);
    }

    /** Many streams at once: the live heap grows by a bounded amount per stream, not per byte transferred. */
    @Order(3)
    @Test
    void concurrentDownloadsArriveRewritten() throws Exception {
        concurrentFrom = sluice.collections().size();
        long each = 8 * MIB / EchoText.LINE_BYTES * EchoText.LINE_BYTES;
        String expected = sha256OfRewritten(each);
        EnvoyLauncher envoy = ENVOYS.get("FULL_DUPLEX_STREAMED");
        var downloads = java.util.stream.IntStream.range(0, CONCURRENT_STREAMS).mapToObj(i -> CLIENT.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + envoy.listenerPort("main")
                        + "/download?text=1&chunk=16384&bytes=" + each)).timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofInputStream()).thenApply(LargeBodyIT::sha256)).toList();
        for (var download : downloads) {
            assertThat(download.get(5, java.util.concurrent.TimeUnit.MINUTES)).isEqualTo(expected);
        }
    }

    @Order(4)
    @Test
    void sluiceStayedWithinItsHeapAndHeldAtMostMaxInFlightMessagesPerStream() throws Exception {
        assertThat(sluice.isAlive()).as("Sluice survived at -Xmx64m:\n%s", sluice.logTail()).isTrue();
        double held = sluice.metric("sluice_stream_held_messages_max");
        assertThat(held).isBetween(1.0, 8.0);
        List<SluiceProcess.Collection> gcs = sluice.collections();
        long singleStreamLive = maxAfter(gcs.subList(singleStreamFrom, concurrentFrom));
        long concurrentLive = maxAfter(gcs.subList(concurrentFrom, gcs.size()));
        long fullGcs = gcs.stream().filter(c -> c.kind().startsWith("Pause Full") && !c.kind().contains("Diagnostic Command")).count();
        REPORT.append("\nSluice JVM at -Xmx64m: peak RSS ").append(sluice.peakRssBytes() / MIB).append(" MiB; ")
                .append(gcs.size()).append(" collections, ").append(fullGcs).append(" of them full (besides the one we asked for).\n")
                .append("Live heap (after a collection): idle ").append(idleLiveHeap / MIB).append(" MiB; largest while one ")
                .append("stream transfers ").append(singleStreamLive / MIB).append(" MiB; largest during ")
                .append(CONCURRENT_STREAMS).append(" concurrent FULL_DUPLEX_STREAMED downloads ").append(concurrentLive / MIB)
                .append(" MiB, i.e. about ").append(Math.max(0, concurrentLive - idleLiveHeap) / CONCURRENT_STREAMS / 1024)
                .append(" KiB per stream. Most messages held by one stream: ").append((long) held)
                .append(" (max-in-flight 8).\n");
        assertThat(fullGcs).as("a full GC means the heap was nearly exhausted").isZero();
    }

    static long maxAfter(List<SluiceProcess.Collection> gcs) {
        return gcs.stream().mapToLong(SluiceProcess.Collection::afterBytes).max().orElse(0);
    }

    static String sha256(HttpResponse<InputStream> response) {
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream in = response.body()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                sha.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void record(String mode, String direction, double seconds) {
        REPORT.append("| ").append(mode).append(" | ").append(direction).append(" | ")
                .append(String.format(java.util.Locale.ROOT, "%.0f", BODY_BYTES / 1e6 / seconds)).append(" |\n");
    }

    static long rewrittenLength() {
        return BODY_BYTES / EchoText.LINE_BYTES * (EchoText.LINE_BYTES - EchoText.SECRET.length() + REPLACEMENT.length());
    }

    private static String rewrittenSha256;

    static synchronized String rewrittenSha256() throws Exception {
        if (rewrittenSha256 == null) {
            rewrittenSha256 = sha256OfRewritten(BODY_BYTES);
        }
        return rewrittenSha256;
    }

    /** SHA-256 of the first {@code bytes} of the text with every line rewritten, line by line (never all in memory). */
    static String sha256OfRewritten(long bytes) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] secret = EchoText.SECRET.getBytes(StandardCharsets.US_ASCII);
        byte[] replacement = REPLACEMENT.getBytes(StandardCharsets.US_ASCII);
        for (long n = 0; n < bytes / EchoText.LINE_BYTES; n++) {
            byte[] line = EchoText.line(n);
            int at = indexOf(line, secret);
            sha.update(line, 0, at);
            sha.update(replacement);
            sha.update(line, at + secret.length, line.length - at - secret.length);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("every line holds the secret");
    }

    /** The first {@code total} bytes of {@link EchoText}, generated as they are read. */
    static final class TextStream extends InputStream {
        private final long total;
        private long position;

        TextStream(long total) {
            this.total = total;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= total) {
                return -1;
            }
            int n = (int) Math.min(len, total - position);
            System.arraycopy(EchoText.bytes(position, n), 0, b, off, n);
            position += n;
            return n;
        }
    }
}
