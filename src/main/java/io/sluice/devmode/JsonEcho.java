package io.sluice.devmode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ObjLongConsumer;

import org.jboss.logging.Logger;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Answers a request with what the upstream saw, as 200 {@code application/json} shaped like the echo backend of
 * Envoy Gateway's examples and the Gateway API conformance suite:
 * <pre>{"path":"/myapp?x=1","host":"www.example.com","method":"GET","proto":"HTTP/1.1",
 *  "headers":{"X-Request-Ext-Processed":["true"],...},"body":{"bytes":0,"sha256":"e3b0..."}}</pre>
 * Header names are Go-canonical ({@code X-Request-Id}), values are lists in arrival order, Host and HTTP/2
 * pseudo-headers are left out (Go keeps them out of the header map too). The request body is streamed, never
 * buffered, and summarised by length and SHA-256.
 *
 * <p>Runs on a Vert.x event loop, so nothing here blocks.
 */
public final class JsonEcho implements Handler<HttpServerRequest> {

    private static final Logger LOG = Logger.getLogger(JsonEcho.class);

    @Override
    public void handle(HttpServerRequest req) {
        afterBody(req, (sha256, bytes) -> req.response()
                .putHeader("content-type", "application/json")
                .end(describe(req, bytes, sha256).encode()));
    }

    /** Hashes the request body as it arrives; at its end hands its SHA-256 (lower-case hex) and length to {@code atEnd}. */
    public static void afterBody(HttpServerRequest req, ObjLongConsumer<String> atEnd) {
        MessageDigest sha = sha256();
        long[] received = {0};
        req.handler(buf -> {
            received[0] += buf.length();
            sha.update(buf.getBytes());
        });
        // A client that resets mid-upload never reaches endHandler; there is nothing to clean up.
        req.exceptionHandler(err -> LOG.debugf("echo request %s %s failed: %s", req.method(), req.uri(), err));
        req.endHandler(v -> atEnd.accept(HexFormat.of().formatHex(sha.digest()), received[0]));
    }

    /** The JSON answer for {@code req}, whose body had {@code bodyBytes} bytes with SHA-256 {@code bodySha256}. */
    public static JsonObject describe(HttpServerRequest req, long bodyBytes, String bodySha256) {
        return new JsonObject()
                .put("path", req.uri())
                .put("host", host(req))
                .put("method", req.method().name())
                .put("proto", req.version() == HttpVersion.HTTP_2 ? "HTTP/2.0"
                        : req.version() == HttpVersion.HTTP_1_0 ? "HTTP/1.0" : "HTTP/1.1")
                .put("headers", goStyleHeaders(req.headers()))
                .put("body", new JsonObject().put("bytes", bodyBytes).put("sha256", bodySha256));
    }

    private static String host(HttpServerRequest req) {
        String host = req.getHeader("host");
        if (host != null) {
            return host;
        }
        return req.authority() == null ? "" : req.authority().toString();
    }

    /**
     * Go's net/http view of the headers: canonical names, every value kept in order, sorted keys as
     * encoding/json prints maps, and neither Host nor HTTP/2 pseudo-headers (Go moves both into
     * Request fields).
     */
    static JsonObject goStyleHeaders(MultiMap headers) {
        Map<String, Object> byName = new TreeMap<>();
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey();
            if (name.startsWith(":") || name.equalsIgnoreCase("host")) {
                continue;
            }
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) byName.computeIfAbsent(canonicalHeaderKey(name), k -> new ArrayList<>());
            values.add(h.getValue());
        }
        byName.replaceAll((k, v) -> new JsonArray((List<?>) v));
        return new JsonObject(byName);
    }

    /** Go's textproto.CanonicalMIMEHeaderKey: names with non-token bytes are returned unchanged. */
    static String canonicalHeaderKey(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                return name;
            }
        }
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (upper && c >= 'a' && c <= 'z') {
                c = (char) (c - 32);
            } else if (!upper && c >= 'A' && c <= 'Z') {
                c = (char) (c + 32);
            }
            out.append(c);
            upper = c == '-';
        }
        return out.toString();
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE runtime must provide SHA-256.
            throw new IllegalStateException(e);
        }
    }
}
