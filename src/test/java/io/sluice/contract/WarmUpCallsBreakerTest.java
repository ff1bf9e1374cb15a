package io.sluice.contract;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The warm-up's enrichment calls ({@code warm-up-calls=true}) are not counted by the circuit breaker: on a cold JVM they
 * can fail or outlast their timeout, and counted they would open the breaker for Envoy's first exchanges. Here every
 * call fails (nothing listens on the service's port) and the breaker would open after two: the warm-up makes far more,
 * and Envoy's first exchange still calls the service.
 */
@QuarkusTest
@TestProfile(WarmUpCallsBreakerTest.DeadService.class)
class WarmUpCallsBreakerTest extends ChannelSupport {

    public static class DeadService implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "warm-up-breaker-test";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("sluice.warm-up.enabled", "true"),
                    Map.entry("sluice.pipelines.default.stages", "enrichment"),
                    Map.entry("sluice.stage.enrichment.url", "http://127.0.0.1:1/enrich"),
                    Map.entry("sluice.stage.enrichment.warm-up-calls", "true"),
                    Map.entry("sluice.stage.enrichment.cache.enabled", "false"),
                    Map.entry("sluice.stage.enrichment.circuit-breaker.request-volume-threshold", "2"),
                    Map.entry("sluice.stage.enrichment.circuit-breaker.delay", "60s"),
                    Map.entry("sluice.stage.tenant.allowed", "acme"),
                    Map.entry("sluice.shutdown.delay", "0s"),
                    Map.entry("sluice.shutdown.drain-timeout", "2s"));
        }
    }

    @Inject
    MeterRegistry registry;

    @Test
    void envoysFirstExchangeFindsTheBreakerClosed() {
        await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));

        WarmUpReadinessTest.exchange(channel, "www.example.com", "/first");

        assertThat(count("breaker-open")).as("Envoy's first exchange refused by an open breaker").isZero();
        assertThat(count("error") + count("timeout")).as("Envoy's first exchange called the (dead) service").isEqualTo(1);
    }

    double count(String outcome) {
        var counter = registry.find("sluice.enrichment.calls").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
