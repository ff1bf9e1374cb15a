package io.sluice.contract;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.sluice.testing.EnrichmentServer;
import io.sluice.stagetest.EnvoyMessages;
import io.sluice.testing.ExtProcClient;
import io.sluice.testing.TestStages.WarmUpProbe;
import io.sluice.testing.WarmUpOnProfile;
import io.sluice.transport.warmup.WarmUpMarker;

/**
 * Ready means warm: while the warm-up runs (held back here by the {@code warm-up-probe} stage's {@code prepare()}),
 * {@code /q/health/ready} is DOWN and gRPC health NOT_SERVING, for the whole server ({@code ""}, what Envoy Gateway's
 * health check asks) and for the ext_proc service, while liveness and the startup probe stay UP; the warm-up's
 * exchanges reach every routed pipeline, flagged, without calling the enrichment service or showing in the
 * {@code sluice_*} meters; Envoy's exchanges, served meanwhile, are not flagged, not even with a forged mark. Once the
 * warm-up ends, ready and SERVING.
 */
@QuarkusTest
@TestProfile(WarmUpOnProfile.class)
class WarmUpReadinessTest extends ChannelSupport {

    @Inject
    MeterRegistry registry;

    @Test
    void readyAndServingOnlyOnceWarm() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(WarmUpProbe.SEEN.keySet()).contains(
                "default sluice-warm-up.invalid /",
                "enriched " + WarmUpOnProfile.ENRICHED_AUTHORITY + " /",
                "by-route sluice-warm-up.invalid /"));
        assertThat(WarmUpProbe.SEEN.values()).allSatisfy(flags -> assertThat(flags).containsOnly(true));
        assertNotReady();
        assertThat(EnrichmentServer.current().totalCalls()).as("enrichment calls by the warm-up").isZero();
        assertThat(counted()).as("ext_proc streams in sluice_streams_started_total").isZero();

        ProcessingResponse envoys = exchange(channel, WarmUpOnProfile.ENRICHED_AUTHORITY, "/enrich-ok/envoy");
        assertThat(envoys.hasRequestHeaders()).isTrue();
        assertThat(WarmUpProbe.SEEN.get("enriched " + WarmUpOnProfile.ENRICHED_AUTHORITY + " /enrich-ok/envoy"))
                .containsExactly(false);
        assertThat(EnrichmentServer.current().calls("/enrich-ok/envoy")).as("Envoy's exchange is enriched").isEqualTo(1);

        Metadata forged = new Metadata();
        forged.put(Metadata.Key.of(WarmUpMarker.HEADER, Metadata.ASCII_STRING_MARSHALLER), "0".repeat(64));
        exchange(ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(forged)),
                "www.example.com", "/forged");
        assertThat(WarmUpProbe.SEEN.get("default www.example.com /forged")).containsExactly(false);
        assertThat(counted()).as("Envoy's streams are counted").isEqualTo(2);
        assertNotReady();

        WarmUpProbe.release();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        given().get("/q/health/ready").then().body("checks.find { it.name == 'Warm-up' }.data.state", equalTo("warm"));
        assertThat(health("")).isEqualTo(ServingStatus.SERVING);
        assertThat(health("envoy.service.ext_proc.v3.ExternalProcessor")).isEqualTo(ServingStatus.SERVING);
        assertThat(counted()).as("no warm-up stream counted, even after it").isEqualTo(2);
        assertThat(EnrichmentServer.current().totalCalls()).as("only Envoy's exchange called the service").isEqualTo(1);
    }

    void assertNotReady() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.name", hasItem("Warm-up"))
                .body("checks.find { it.name == 'Warm-up' }.data.state", equalTo("warming"))
                .body("checks.find { it.name == 'gRPC Server' }.status", equalTo("DOWN"));
        // The probes that restart a pod must not see the warm-up.
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/started").then().statusCode(200);
        assertThat(health("")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(health("envoy.service.ext_proc.v3.ExternalProcessor")).isEqualTo(ServingStatus.NOT_SERVING);
    }

    ServingStatus health(String service) {
        return HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    double counted() {
        return registry.get("sluice.streams.started").counter().count();
    }

    static ProcessingResponse exchange(Channel channel, String authority, String path) {
        try (ExtProcClient stream = ExtProcClient.open(channel)) {
            stream.send(EnvoyMessages.requestHeadersFor(authority, path));
            ProcessingResponse reply = stream.next(Duration.ofSeconds(10));
            stream.send(EnvoyMessages.responseHeaders());
            assertThat(stream.next(Duration.ofSeconds(10)).hasResponseHeaders()).isTrue();
            return reply;
        }
    }
}
