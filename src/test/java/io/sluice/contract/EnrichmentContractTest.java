package io.sluice.contract;

import static io.sluice.stagetest.EnvoyMessages.header;
import static io.sluice.stagetest.EnvoyMessages.headerMap;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.sluice.enrichment.EnrichmentService;
import io.sluice.testing.EnrichmentServer;
import io.sluice.testing.EnrichmentServerResource;
import io.sluice.testing.ExtProcClient;

/**
 * The {@code enrichment} stage against a real HTTP service on loopback: answers, cache, deny, every failure kind under
 * fail-open and fail-closed, and the circuit breaker opening, half-opening and closing.
 */
@QuarkusTest
@QuarkusTestResource(EnrichmentServerResource.class)
class EnrichmentContractTest extends ChannelSupport {

    @Inject
    MeterRegistry registry;

    @Inject
    @CacheName(EnrichmentService.NAME)
    Cache cache;

    EnrichmentServer server = EnrichmentServer.current();

    static boolean warm;

    @BeforeEach
    void freshBreakerAndCache() {
        if (!warm) {
            // The first REST call of a fresh JVM (class loading, JIT) can outlast the 150 ms call timeout.
            for (int i = 0; i < 50 && !warm; i++) {
                warm = exchange("/enrich-ok/warm-up-" + i).getRequestHeaders().getResponse().getHeaderMutation()
                        .getSetHeadersList().stream().anyMatch(h -> h.getHeader().getKey().equals("x-enrichment-tenant"));
            }
        }
        CircuitBreakerMaintenance.get().reset(EnrichmentService.NAME);
        cache.invalidateAll().await().atMost(Duration.ofSeconds(5));
        server.flapping().set(false);
    }

    @Test
    void answerBecomesRequestHeadersAndDynamicMetadata() {
        ProcessingResponse reply = exchange("/enrich-ok/answer", "x-user", "bob");
        var mutation = reply.getRequestHeaders().getResponse().getHeaderMutation();
        assertThat(header(mutation, "x-enrichment-tenant")).isEqualTo("acme");
        assertThat(header(mutation, "x-enrichment-path")).isEqualTo("/enrich-ok/answer");
        assertThat(header(mutation, "x-enrichment-user")).as("the configured header was sent").isEqualTo("BOB");
        var metadata = reply.getDynamicMetadata().getFieldsOrThrow("io.sluice.enrichment").getStructValue();
        assertThat(metadata.getFieldsOrThrow("tier").getStringValue()).isEqualTo("gold");
        assertThat(metadata.getFieldsOrThrow("score").getNumberValue()).isEqualTo(7.0);
    }

    @Test
    void aRepeatedQuestionIsAnsweredFromTheCache() {
        double hits = count("cache-hit");
        ProcessingResponse first = exchange("/enrich-ok/cached");
        ProcessingResponse second = exchange("/enrich-ok/cached");
        assertThat(server.calls("/enrich-ok/cached")).isEqualTo(1);
        assertThat(second.getRequestHeaders()).isEqualTo(first.getRequestHeaders());
        assertThat(count("cache-hit")).isEqualTo(hits + 1);
    }

    @Test
    void aDenialBecomesTheServicesImmediateResponse() {
        ProcessingResponse reply = exchange("/enrich-deny/x");
        assertThat(reply.hasImmediateResponse()).isTrue();
        assertThat(reply.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(451);
        assertThat(reply.getImmediateResponse().getBody().toStringUtf8()).isEqualTo("blocked by enrichment");
        assertThat(reply.getImmediateResponse().getHeaders().getSetHeadersList()).extracting(h -> h.getHeader().getKey())
                .contains("x-denied-by");
    }

    @Test
    void aSlowServiceTimesOutAndTheExchangeFailsOpenWithAMarker() {
        double timeouts = count("timeout");
        long start = System.nanoTime();
        ProcessingResponse reply = exchange("/enrich-slow/x");
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertMarked(reply);
        assertThat(tookMillis).as("answered at the 150 ms call timeout, not after the 2 s service").isLessThan(1500);
        assertThat(count("timeout")).isEqualTo(timeouts + 1);
    }

    @Test
    void aServerErrorFailsOpenWithAMarker() {
        double errors = count("error");
        assertMarked(exchange("/enrich-error/x"));
        assertThat(count("error")).isEqualTo(errors + 1);
    }

    @Test
    void anAnswerThatIsNotTheExpectedJsonIsAFailure() {
        double invalid = count("invalid-answer");
        assertMarked(exchange("/enrich-invalid/x"));
        assertMarked(exchange("/enrich-garbage/x"));
        assertThat(count("invalid-answer")).isEqualTo(invalid + 2);
    }

    @Test
    void refusedConnectionsFailOpen() {
        double errors = count("error");
        server.refuseConnections();
        try {
            assertMarked(exchange("/enrich-ok/refused"));
        } finally {
            server.acceptAgain();
        }
        assertThat(count("error")).isEqualTo(errors + 1);
        assertThat(header(exchange("/enrich-ok/after-refused").getRequestHeaders().getResponse().getHeaderMutation(),
                "x-enrichment-tenant")).isEqualTo("acme");
    }

    @Test
    void aFailClosedPipelineAnswers503WithDetails() {
        ProcessingResponse reply = exchange("/strict/enrich-error/x");
        assertThat(reply.hasImmediateResponse()).isTrue();
        assertThat(reply.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(503);
        assertThat(reply.getImmediateResponse().getDetails()).isEqualTo("sluice_enrichment_error");
    }

    @Test
    void aFlappingServiceOpensTheBreakerWhichHalfOpensAndClosesWhenItRecovers() throws InterruptedException {
        double prevented = count("breaker-open");
        server.flapping().set(true);
        for (int i = 0; i < 4; i++) {
            assertMarked(exchange("/enrich-flap/" + i));
        }
        assertThat(CircuitBreakerMaintenance.get().currentState(EnrichmentService.NAME)).isEqualTo(CircuitBreakerState.OPEN);
        assertMarked(exchange("/enrich-flap/while-open"));
        assertThat(server.calls("/enrich-flap/while-open")).as("an open breaker does not call").isZero();
        assertThat(count("breaker-open")).isEqualTo(prevented + 1);

        server.flapping().set(false);
        Thread.sleep(1_100); // the configured breaker delay: then a trial call is let through (half-open)
        ProcessingResponse trial = exchange("/enrich-flap/trial");
        assertThat(header(trial.getRequestHeaders().getResponse().getHeaderMutation(), "x-enrichment-tenant")).isEqualTo("acme");
        assertThat(CircuitBreakerMaintenance.get().currentState(EnrichmentService.NAME)).isEqualTo(CircuitBreakerState.CLOSED);
    }

    static void assertMarked(ProcessingResponse reply) {
        var mutation = reply.getRequestHeaders().getResponse().getHeaderMutation();
        assertThat(header(mutation, "x-enrichment")).isEqualTo("unavailable");
        assertThat(mutation.getSetHeadersList()).extracting(HeaderValueOption::getHeader)
                .noneMatch(h -> h.getKey().equals("x-enrichment-tenant"));
    }

    ProcessingResponse exchange(String path, String... extraHeaders) {
        String[] base = { ":method", "GET", ":path", path, ":authority", "www.example.com", ":scheme", "http" };
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extraHeaders))
                .toArray(String[]::new);
        try (ExtProcClient s = stream()) {
            s.send(ProcessingRequest.newBuilder().setRequestHeaders(HttpHeaders.newBuilder()
                    .setHeaders(headerMap(all)).setEndOfStream(true)).build());
            return s.next(Duration.ofSeconds(5));
        }
    }

    double count(String outcome) {
        var counter = registry.find("sluice.enrichment.calls").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
