package io.sluice.devmode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;

/**
 * Blocking client for one Envoy's admin interface, plus the parsing of the admin pages we read.
 *
 * <p>Blocking is deliberate: this serves tests and dev-mode startup only. Calls from a Vert.x event
 * loop are refused rather than allowed to stall it.
 */
final class EnvoyAdmin {

    // One client for every Envoy: each HttpClient owns a selector thread, and dev-mode reloads
    // would otherwise leave one behind per restart.
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    record Response(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final URI base;

    /** {@code hostPort} as Envoy writes it to the admin address file, e.g. {@code 127.0.0.1:40123}. */
    EnvoyAdmin(String hostPort) {
        this.base = URI.create("http://" + hostPort.trim() + "/");
    }

    URI base() {
        return base;
    }

    Response get(String path) throws IOException {
        return send(HttpRequest.newBuilder(resolve(path)).GET());
    }

    private URI resolve(String path) {
        return base.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    private static Response send(HttpRequest.Builder request) throws IOException {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("Envoy admin calls block and must not run on a Vert.x event loop");
        }
        try {
            HttpResponse<String> r = CLIENT.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling the Envoy admin", e);
        }
    }

    /** Counters and gauges from the plain-text {@code /stats} page ({@code name: value}); histograms are skipped. */
    static Map<String, Long> parseStats(String text, String prefix) {
        Map<String, Long> stats = new TreeMap<>();
        for (String line : text.split("\n")) {
            int sep = line.lastIndexOf(": ");
            if (sep <= 0 || !line.startsWith(prefix)) {
                continue;
            }
            String value = line.substring(sep + 2).trim();
            if (!value.isEmpty() && (Character.isDigit(value.charAt(0)) || value.charAt(0) == '-')) {
                try {
                    stats.put(line.substring(0, sep), Long.parseLong(value));
                } catch (NumberFormatException ignored) {
                    // Not a counter or gauge (histogram summary, text readout).
                }
            }
        }
        return stats;
    }

    /** The bound port of {@code listenerName} from {@code /listeners?format=json}, or -1. */
    static int parseListenerPort(String json, String listenerName) {
        for (Object o : new JsonObject(json).getJsonArray("listener_statuses", new io.vertx.core.json.JsonArray())) {
            JsonObject status = (JsonObject) o;
            if (listenerName.equals(status.getString("name"))) {
                JsonObject socket = status.getJsonObject("local_address", new JsonObject()).getJsonObject("socket_address");
                return socket == null ? -1 : socket.getInteger("port_value", -1);
            }
        }
        return -1;
    }

    /** One entry per host of {@code cluster} from the plain-text {@code /clusters} page, e.g. {@code healthy} or {@code /failed_active_hc}. */
    static List<String> parseHealthFlags(String clustersText, String cluster) {
        List<String> flags = new ArrayList<>();
        String prefix = cluster + "::";
        String marker = "::health_flags::";
        for (String line : clustersText.split("\n")) {
            int at = line.indexOf(marker);
            if (line.startsWith(prefix) && at > 0) {
                flags.add(line.substring(at + marker.length()).trim());
            }
        }
        return flags;
    }
}
