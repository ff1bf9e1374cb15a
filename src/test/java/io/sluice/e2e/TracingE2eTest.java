package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.sluice.testing.TracingOnProfile;

/**
 * Through a real Envoy with its own tracing on: the ext_proc call carries Envoy's span in its gRPC metadata, and
 * Sluice's exchange span joins that trace under it, the same trace the upstream request continues.
 */
@QuarkusTest
@TestProfile(TracingOnProfile.class)
class TracingE2eTest extends EnvoyE2eSupport {

    @Inject
    InMemorySpanExporter spans;

    @BeforeAll
    static void envoy() {
        startEnvoy("tracing");
    }

    @Test
    void theExchangeSpanIsAChildOfEnvoysExtProcCallSpan() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String clientSpan = "00f067aa0ba902b7";
        Response response = throughEnvoy().header("traceparent", "00-" + traceId + "-" + clientSpan + "-01")
                .get("/myapp/traced");
        response.then().statusCode(200).header("x-response-ext-processed", "true");

        List<SpanData> exchanges = exchangeSpans(traceId);
        assertThat(exchanges).hasSize(1);
        SpanData exchange = exchanges.get(0);
        // Envoy continued the client's trace and put its own ext_proc call span in between: the parent came from
        // the gRPC metadata, not from the request's traceparent header (which still names the client's span).
        assertThat(exchange.getParentSpanContext().isValid()).isTrue();
        assertThat(exchange.getParentSpanId()).isNotEqualTo(clientSpan);
        assertThat(exchange.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("url.path")))
                .isEqualTo("/myapp/traced");
        assertThat(spans.getFinishedSpanItems()).filteredOn(span -> span.getTraceId().equals(traceId))
                .extracting(SpanData::getName)
                .contains("ext_proc request_headers", "ext_proc response_headers", "stage eg-demo");
    }

    @Test
    void withoutAClientTraceTheUpstreamAndSluiceShareEnvoysTrace() {
        Response response = throughEnvoy().get("/myapp/fresh");
        response.then().statusCode(200);
        // The echo upstream shows the traceparent Envoy sent it: 00-<trace>-<span>-<flags>.
        List<String> upstreamTraceparent = response.jsonPath().getList("headers.Traceparent");
        assertThat(upstreamTraceparent).hasSize(1);
        String traceId = upstreamTraceparent.get(0).split("-")[1];
        assertThat(exchangeSpans(traceId)).singleElement()
                .satisfies(exchange -> assertThat(exchange.getParentSpanContext().isValid()).isTrue());
    }

    private List<SpanData> exchangeSpans(String traceId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .anyMatch(span -> span.getTraceId().equals(traceId) && span.getName().equals("ext_proc exchange")));
        return spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId) && span.getName().equals("ext_proc exchange")).toList();
    }
}
