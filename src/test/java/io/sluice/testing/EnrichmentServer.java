package io.sluice.testing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

/**
 * A real HTTP enrichment service on loopback for the tests. What it does depends on the exchange path it is asked
 * about, so tests need no shared switches: {@code /enrich-ok/...} answers headers and metadata, {@code -slow}
 * answers after 2 s, {@code -error} with 500, {@code -invalid} with JSON of the wrong shape, {@code -garbage}
 * with HTML, {@code -deny} with a denial, {@code -wait<N>} after N ms, and {@code -flap} fails while
 * {@link #flapping()} is set. It can stop listening on its port and start again (connections refused meanwhile).
 */
public final class EnrichmentServer implements AutoCloseable {

    private static final java.util.regex.Pattern WAIT = java.util.regex.Pattern.compile("/enrich-wait(\\d+)");
    private static volatile EnrichmentServer current;

    private final Vertx vertx = Vertx.vertx();
    private volatile HttpServer server;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicBoolean flapping = new AtomicBoolean();

    private EnrichmentServer() {
    }

    /** Starts the server on a free port; the one the running Quarkus test application talks to. */
    public static EnrichmentServer start() {
        EnrichmentServer s = new EnrichmentServer();
        s.listen(0);
        current = s;
        return s;
    }

    public static EnrichmentServer current() {
        return current;
    }

    public int port() {
        return server.actualPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/enrich";
    }

    /** Calls received for an exchange path. */
    public int calls(String path) {
        AtomicInteger n = calls.get(path);
        return n == null ? 0 : n.get();
    }

    /** Calls received, whatever the exchange path. */
    public int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** The most calls this server had in flight at once since {@link #resetConcurrency()}. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    public void resetConcurrency() {
        maxInFlight.set(0);
    }

    public AtomicBoolean flapping() {
        return flapping;
    }

    /** Closes the listening socket and every open connection: new calls are refused until {@link #acceptAgain()}. */
    public void refuseConnections() {
        await(server.close());
    }

    public void acceptAgain() {
        listen(lastPort);
    }

    private int lastPort;

    private void listen(int wanted) {
        server = await(vertx.createHttpServer().requestHandler(this::handle).listen(wanted, "127.0.0.1"));
        lastPort = server.actualPort();
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            JsonObject query = body.toJsonObject();
            String path = query.getString("path", "");
            calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            java.util.regex.Matcher wait = WAIT.matcher(path);
            long delay = path.contains("/enrich-slow") ? 2000 : wait.find() ? Long.parseLong(wait.group(1)) : 0;
            Runnable answer = () -> {
                inFlight.decrementAndGet();
                answer(req, path, query);
            };
            if (delay == 0) {
                answer.run();
            } else {
                vertx.setTimer(delay, id -> answer.run());
            }
        });
    }

    private void answer(HttpServerRequest req, String path, JsonObject query) {
        var resp = req.response().putHeader("content-type", "application/json");
        if (path.contains("/enrich-error") || (path.contains("/enrich-flap") && flapping.get())) {
            resp.setStatusCode(500).end("{\"error\":\"boom\"}");
        } else if (path.contains("/enrich-invalid")) {
            resp.end("{\"headers\":\"not an object\"}");
        } else if (path.contains("/enrich-garbage")) {
            resp.putHeader("content-type", "text/html").end("<html>oops</html>");
        } else if (path.contains("/enrich-deny")) {
            resp.end(new JsonObject().put("deny", new JsonObject().put("status", 451).put("body", "blocked by enrichment")
                    .put("headers", new JsonObject().put("x-denied-by", "enrichment"))).encode());
        } else {
            JsonObject headers = new JsonObject().put("x-enrichment-tenant", "acme").put("x-enrichment-path", path);
            String user = query.getJsonObject("headers", new JsonObject()).getString("x-user");
            if (user != null) {
                headers.put("x-enrichment-user", user.toUpperCase(java.util.Locale.ROOT));
            }
            resp.end(new JsonObject().put("headers", headers)
                    .put("metadata", new JsonObject().put("tier", "gold").put("score", 7)).encode());
        }
    }

    @Override
    public void close() {
        await(vertx.close());
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
