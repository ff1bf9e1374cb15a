package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.sluice.testing.EchoUpstream;
import io.sluice.testing.EnrichmentServer;
import io.sluice.testing.EnvoyLauncher;
import io.sluice.testing.Packaged;
import io.sluice.testing.SluiceProcess;
import io.vertx.core.json.JsonObject;

/**
 * An enrichment call longer than Envoy's 200 ms message timer: Sluice (packaged, own JVM) sends
 * {@code override_message_timeout} first, and Envoy, whose filter allows it ({@code max_message_timeout}), waits for
 * the 350 ms answer. The same request through an Envoy that allows no override ends in Envoy's 504: the override is
 * what carries it.
 */
@Packaged
class EnrichmentTimerIT {

    static SluiceProcess sluice;
    static EnrichmentServer enrichment;
    static EchoUpstream upstream;
    static EnvoyLauncher allowing;
    static EnvoyLauncher refusing;
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        enrichment = EnrichmentServer.start();
        sluice = SluiceProcess.start("enrichment-timer", List.of("-Xmx128m", "-XX:MaxDirectMemorySize=144m"), Map.of(
                "sluice.pipelines.default.stages", "enrichment",
                "sluice.stage.enrichment.url", enrichment.url(),
                "sluice.stage.enrichment.timeout", "600ms",
                "sluice.exchange.max-message-timeout", "2s"));
        upstream = EchoUpstream.standalone();
        int upstreamPort = upstream.startAndAwait("127.0.0.1", 0);
        allowing = envoy("allowing", upstreamPort, "2s");
        refusing = envoy("refusing", upstreamPort, "0s");
        warmUp();
    }

    /** A fresh JVM's first exchanges can outlast 200 ms on their own; the tests are about the enrichment call. */
    static void warmUp() {
        for (int i = 0; i < 100; i++) {
            try {
                HttpResponse<String> response = get(allowing, "/enrich-ok/warm-up-" + i);
                if (response.statusCode() == 200 && response.body().contains("X-Enrichment-Tenant")) {
                    return;
                }
            } catch (Exception retry) {
                // not warm yet
            }
        }
        throw new IllegalStateException("Sluice never answered within Envoy's 200 ms during warm-up");
    }

    static EnvoyLauncher envoy(String name, int upstreamPort, String maxMessageTimeout) {
        return EnvoyLauncher.start("enrichment-timer-" + name, "envoy/enrichment.yaml", Map.of(
                "SLUICE_GRPC_PORT", Integer.toString(sluice.grpcPort()),
                "UPSTREAM_PORT", Integer.toString(upstreamPort),
                "LISTEN_PORT", "0",
                "ADMIN_PORT", "0",
                "MESSAGE_TIMEOUT", "0.2s",
                "MAX_MESSAGE_TIMEOUT", maxMessageTimeout));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] { allowing, refusing, upstream, sluice, enrichment }) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void aCallLongerThanEnvoysTimerIsCoveredByTheOverride() throws Exception {
        long timeoutsBefore = counter(allowing, "message_timeouts");
        long overridesBefore = counter(allowing, "override_message_timeout_received");
        HttpResponse<String> response = get(allowing, "/enrich-wait350/allowed");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getJsonObject("headers").getJsonArray("X-Enrichment-Tenant").getString(0))
                .isEqualTo("acme");
        assertThat(counter(allowing, "override_message_timeout_received")).isGreaterThan(overridesBefore);
        assertThat(counter(allowing, "message_timeouts")).isEqualTo(timeoutsBefore);
    }

    @Test
    void withoutTheOverrideEnvoysTimerWins() throws Exception {
        long ignoredBefore = counter(refusing, "override_message_timeout_ignored");
        HttpResponse<String> response = get(refusing, "/enrich-wait350/refused");
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(counter(refusing, "override_message_timeout_ignored")).isGreaterThan(ignoredBefore);
    }

    static HttpResponse<String> get(EnvoyLauncher envoy, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + envoy.listenerPort("main") + path))
                .header("x-user", "it").timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static long counter(EnvoyLauncher envoy, String name) {
        return EnvoyE2eSupport.extProcCounter(envoy, name);
    }
}
