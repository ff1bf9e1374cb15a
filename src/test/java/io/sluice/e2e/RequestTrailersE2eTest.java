package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.sluice.testing.EnvoyLauncher;
import io.sluice.testing.TrailerEchoUpstream;
import io.vertx.core.json.JsonObject;

/**
 * Request trailers end to end: a chunked HTTP/1.1 upload with trailers through Envoy, with the body rewritten by
 * {@code text-replace} and the trailers tagged by a stage. The body ends in the middle of a possible match, so the
 * rewrite holds bytes back until the trailers end the body: FULL_DUPLEX_STREAMED releases them ahead of the
 * trailers, STREAMED (which cannot) fails the request rather than lose them.
 */
@QuarkusTest
class RequestTrailersE2eTest extends EnvoyE2eSupport {

    static final Map<String, EnvoyLauncher> ENVOYS = new LinkedHashMap<>();
    static TrailerEchoUpstream trailerUpstream;

    @BeforeAll
    static void envoys() throws InterruptedException {
        warmUpSluice();
        trailerUpstream = new TrailerEchoUpstream();
        for (String mode : new String[] { "FULL_DUPLEX_STREAMED", "STREAMED" }) {
            ENVOYS.put(mode, EnvoyLauncher.start("request-trailers-" + mode, "envoy/request-trailers.yaml", Map.of(
                    "SLUICE_GRPC_PORT", Integer.toString(sluiceGrpcPort()),
                    "UPSTREAM_PORT", Integer.toString(trailerUpstream.port()),
                    "REQUEST_BODY_MODE", mode,
                    "LISTEN_PORT", "0",
                    "ADMIN_PORT", "0")));
        }
    }

    @AfterAll
    static void stop() {
        ENVOYS.values().forEach(EnvoyLauncher::close);
        ENVOYS.clear();
        trailerUpstream.close();
    }

    @Test
    void fullDuplexBodyWithTrailersReachesTheUpstreamRewrittenWithItsHeldTailAndTaggedTrailers() throws IOException {
        Reply reply = upload(ENVOYS.get("FULL_DUPLEX_STREAMED"), "a secret-token, then secret-tok");
        assertThat(reply.status()).isEqualTo(200);
        JsonObject echo = new JsonObject(reply.body());
        assertThat(echo.getString("body")).isEqualTo("a [redacted], then secret-tok");
        assertThat(echo.getJsonObject("trailers").getMap())
                .containsEntry("x-checksum", "c0ffee")
                .containsEntry("x-sluice-request-trailer", "seen x-checksum c0ffee");
    }

    @Test
    void streamedBodyWithTrailersAndNothingHeldPassesWithTaggedTrailers() throws IOException {
        Reply reply = upload(ENVOYS.get("STREAMED"), "a secret-token, then nothing held");
        assertThat(reply.status()).isEqualTo(200);
        JsonObject echo = new JsonObject(reply.body());
        assertThat(echo.getString("body")).isEqualTo("a [redacted], then nothing held");
        assertThat(echo.getJsonObject("trailers").getMap()).containsEntry("x-sluice-request-trailer", "seen x-checksum c0ffee");
    }

    @Test
    void streamedBodyWithTrailersAndAHeldTailFailsTheRequestInsteadOfLosingBytes() throws IOException {
        EnvoyLauncher envoy = ENVOYS.get("STREAMED");
        long failedBefore = streamsFailed(envoy);
        Reply reply = upload(envoy, "ends in the middle of secret-tok");
        assertThat(reply.status()).isEqualTo(500);
        // Sluice's error status ended the ext_proc stream (the access log, flushed every 10 s, names it as
        // ext_proc_error_gRPC_error_13{body_stages_released_10_held-back_bytes...}).
        assertThat(streamsFailed(envoy)).isEqualTo(failedBefore + 1);
    }

    static long streamsFailed(EnvoyLauncher envoy) {
        return extProcCounter(envoy, "streams_failed");
    }

    record Reply(int status, String body) {
    }

    /** A chunked HTTP/1.1 upload with a trailer, written by hand: Java's HTTP clients cannot send trailers. */
    static Reply upload(EnvoyLauncher envoy, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", envoy.listenerPort("main"))) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder()
                    .append("POST /request-trailers/upload HTTP/1.1\r\n")
                    .append("Host: www.example.com\r\n")
                    .append("Content-Type: text/plain\r\n")
                    .append("Transfer-Encoding: chunked\r\n")
                    .append("Trailer: x-checksum\r\n")
                    .append("Connection: close\r\n\r\n");
            // Two chunks, split inside the first match, so the rewrite must carry bytes across chunks.
            int half = body.indexOf("token") > 0 ? body.indexOf("token") : body.length() / 2;
            for (String chunk : new String[] { body.substring(0, half), body.substring(half) }) {
                byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
                request.append(Integer.toHexString(bytes.length)).append("\r\n").append(chunk).append("\r\n");
            }
            request.append("0\r\nx-checksum: c0ffee\r\n\r\n");
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return parse(socket.getInputStream().readAllBytes());
        }
    }

    static Reply parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int headEnd = text.indexOf("\r\n\r\n");
        assertThat(headEnd).as("a complete response head in: %s", text).isPositive();
        String head = text.substring(0, headEnd);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        String rest = text.substring(headEnd + 4);
        if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
            rest = dechunk(rest);
        }
        return new Reply(status, rest);
    }

    static String dechunk(String chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                return out.toString(StandardCharsets.UTF_8);
            }
            out.writeBytes(chunked.substring(lineEnd + 2, lineEnd + 2 + size).getBytes(StandardCharsets.UTF_8));
            at = lineEnd + 2 + size + 2;
        }
    }

}
