package io.sluice.devmode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.vertx.core.Context;

/**
 * Blocking client for one Envoy's admin interface.
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
}
