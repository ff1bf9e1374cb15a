package io.sluice.testing;

import java.util.Map;

import io.sluice.devmode.JsonEcho;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * Answers one request for {@link EchoUpstream}: dev mode's {@link JsonEcho}, and the query parameters the tests use.
 * Runs on a Vert.x event loop, so nothing here may block: the request body is hashed chunk by chunk as it arrives
 * and a {@code ?bytes=N} download is written only as fast as the connection drains.
 */
final class EchoHandler implements Handler<HttpServerRequest> {

    private static final int MAX_CHUNK = 16 * 1024 * 1024;

    @Override
    public void handle(HttpServerRequest req) {
        JsonEcho.afterBody(req, (sha256, bytes) -> respond(req, bytes, sha256));
    }

    private static void respond(HttpServerRequest req, long bodyBytes, String bodySha256) {
        HttpServerResponse resp = req.response();
        Query query;
        try {
            query = Query.of(req);
        } catch (IllegalArgumentException e) {
            resp.setStatusCode(400).putHeader("content-type", "text/plain").end(e.getMessage() + "\n");
            return;
        }
        resp.setStatusCode(query.status());
        resp.putHeader("x-content-type-options", "nosniff");
        boolean noBody = req.method() == HttpMethod.HEAD || query.status() == 204 || query.status() == 304;
        if (query.bytes() < 0) {
            resp.putHeader("content-type", "application/json");
            if (noBody) {
                resp.end();
            } else {
                resp.end(JsonEcho.describe(req, bodyBytes, bodySha256).encode());
            }
            return;
        }
        resp.putHeader("content-type", query.text() ? "text/plain; charset=us-ascii" : "application/octet-stream");
        // The JSON does not fit a binary body, so what the upstream saw travels in headers instead.
        echoRequestHeaders(req.headers(), resp.headers());
        resp.putHeader(EchoUpstream.BODY_BYTES_HEADER, Long.toString(bodyBytes));
        resp.putHeader(EchoUpstream.BODY_SHA256_HEADER, bodySha256);
        if (noBody) {
            resp.end();
            return;
        }
        if (req.version() == HttpVersion.HTTP_1_1) {
            resp.setChunked(true);
        } else if (req.version() == HttpVersion.HTTP_1_0) {
            resp.putHeader("content-length", Long.toString(query.bytes()));
        }
        new Download(resp, query.bytes(), query.chunk(), query.text()).pump();
    }

    private static void echoRequestHeaders(MultiMap from, MultiMap to) {
        for (Map.Entry<String, String> h : from) {
            if (!h.getKey().startsWith(":")) {
                to.add(EchoUpstream.ECHO_HEADER_PREFIX + h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue());
            }
        }
    }

    /** The query parameters that change the answer. */
    record Query(long bytes, int chunk, int status, boolean text) {

        static Query of(HttpServerRequest req) {
            long bytes = parse(req, "bytes", -1, 0, Long.MAX_VALUE);
            int chunk = (int) parse(req, "chunk", EchoUpstream.DEFAULT_CHUNK, 1, MAX_CHUNK);
            // 1xx cannot be a final status.
            int status = (int) parse(req, "status", 200, 200, 599);
            boolean text = parse(req, "text", 0, 0, 1) == 1;
            return new Query(bytes, chunk, status, text);
        }

        private static long parse(HttpServerRequest req, String name, long absent, long min, long max) {
            String raw = req.getParam(name);
            if (raw == null) {
                return absent;
            }
            long value;
            try {
                value = Long.parseLong(raw);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number, got '" + raw + "'");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
            }
            return value;
        }
    }

    /** Writes the pattern while the write queue has room and resumes from the drain handler. */
    private static final class Download {
        private final HttpServerResponse resp;
        private final long total;
        private final int chunk;
        private final boolean text;
        private long sent;

        Download(HttpServerResponse resp, long total, int chunk, boolean text) {
            this.resp = resp;
            this.total = total;
            this.chunk = chunk;
            this.text = text;
        }

        void pump() {
            while (sent < total) {
                if (resp.closed()) {
                    return; // client went away; dropping the rest is the point of streaming
                }
                if (resp.writeQueueFull()) {
                    resp.drainHandler(v -> pump());
                    return;
                }
                int len = (int) Math.min(chunk, total - sent);
                resp.write(Buffer.buffer(text ? EchoText.bytes(sent, len) : EchoPattern.bytes(sent, len)));
                sent += len;
            }
            if (!resp.closed()) {
                resp.end();
            }
        }
    }
}
