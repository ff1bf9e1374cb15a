package io.sluice.contract;

import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.requestHeadersForPath;
import static io.sluice.stagetest.EnvoyMessages.responseHeaders;
import static io.sluice.stagetest.EnvoyMessages.withAttributes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse.ResponseCase;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.sluice.testing.ExtProcClient;
import io.sluice.testing.TracingOnProfile;

/**
 * With the OpenTelemetry SDK on: a span per exchange, a child per phase message and a grandchild per stage, parented
 * by the call's gRPC metadata or else by the traceparent the HTTP request carried.
 */
@QuarkusTest
@TestProfile(TracingOnProfile.class)
class TracingTest extends ChannelSupport {

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theCallsGrpcMetadataIsTheParentAndTheTreeIsExchangePhaseStage() {
        String traceId = hex(32);
        String parentId = hex(16);
        Metadata metadata = new Metadata();
        metadata.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), "00-" + traceId + "-" + parentId + "-01");
        // The request's own traceparent loses against the call's: Envoy's span is the closer parent.
        String otherTrace = hex(32);
        try (ExtProcClient s = ExtProcClient.open(ClientInterceptors.intercept(channel,
                MetadataUtils.newAttachHeadersInterceptor(metadata)))) {
            s.send(withAttributes(requestHeaders(true, "traceparent", "00-" + otherTrace + "-" + hex(16) + "-01"),
                    Map.of("xds.route_name", "route-a")));
            assertThat(s.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            s.send(responseHeaders(true));
            assertThat(s.next().getResponseCase()).isEqualTo(ResponseCase.RESPONSE_HEADERS);
            s.halfClose();
            assertThat(s.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        }
        List<SpanData> trace = spansOf(traceId, 5);
        SpanData exchange = named(trace, "ext_proc exchange");
        assertThat(exchange.getParentSpanId()).isEqualTo(parentId);
        assertThat(exchange.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(exchange.getAttributes().get(AttributeKey.stringKey("sluice.pipeline"))).isEqualTo("default");
        assertThat(exchange.getAttributes().get(AttributeKey.stringKey("sluice.route_name"))).isEqualTo("route-a");
        assertThat(exchange.getAttributes().get(AttributeKey.stringKey("url.path"))).isEqualTo("/myapp");
        assertThat(exchange.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo("www.example.com");
        assertThat(exchange.getAttributes().get(AttributeKey.stringKey("sluice.stream.end"))).isEqualTo("completed");

        SpanData requestHeaders = named(trace, "ext_proc request_headers");
        SpanData responseHeaders = named(trace, "ext_proc response_headers");
        assertThat(requestHeaders.getParentSpanId()).isEqualTo(exchange.getSpanId());
        assertThat(responseHeaders.getParentSpanId()).isEqualTo(exchange.getSpanId());
        List<SpanData> stages = trace.stream().filter(span -> span.getName().equals("stage eg-demo")).toList();
        assertThat(stages).extracting(SpanData::getParentSpanId)
                .containsExactlyInAnyOrder(requestHeaders.getSpanId(), responseHeaders.getSpanId());
        assertThat(trace).as("nothing of the request's own trace id").hasSize(5);
        assertThat(spans.getFinishedSpanItems()).noneMatch(span -> span.getTraceId().equals(otherTrace));
    }

    @Test
    void withoutMetadataTheForwardedTraceparentHeaderIsTheParent() {
        String traceId = hex(32);
        String parentId = hex(16);
        try (ExtProcClient s = stream()) {
            s.send(requestHeaders(true, "traceparent", "00-" + traceId + "-" + parentId + "-01"));
            assertThat(s.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            s.cancel();
        }
        List<SpanData> trace = spansOf(traceId, 3);
        SpanData exchange = named(trace, "ext_proc exchange");
        assertThat(exchange.getParentSpanId()).isEqualTo(parentId);
        assertThat(exchange.getAttributes().get(AttributeKey.stringKey("sluice.stream.end"))).isEqualTo("cancelled");
        assertThat(exchange.getStatus().getStatusCode()).as("Envoy's reset is the normal end").isEqualTo(StatusCode.UNSET);
        assertThat(named(trace, "ext_proc request_headers").getParentSpanId()).isEqualTo(exchange.getSpanId());
    }

    @Test
    void immediateResponsesAndStageFailuresAreRecorded() {
        String denied = hex(32);
        try (ExtProcClient s = stream()) {
            s.send(withTraceparent(requestHeadersForPath("/denied", true), denied));
            assertThat(s.next().getImmediateResponse().getStatus().getCodeValue()).isEqualTo(403);
            s.cancel();
        }
        // deny runs after eg-demo in the "deny" pipeline: two stage spans, the phase says 403.
        List<SpanData> deniedTrace = spansOf(denied, 4);
        SpanData phase = named(deniedTrace, "ext_proc request_headers");
        assertThat(phase.getAttributes().get(AttributeKey.longKey("sluice.immediate_response.status"))).isEqualTo(403L);
        assertThat(named(deniedTrace, "stage deny").getAttributes()
                .get(AttributeKey.longKey("sluice.immediate_response.status"))).isEqualTo(403L);

        String failed = hex(32);
        try (ExtProcClient s = stream()) {
            s.send(withTraceparent(requestHeadersForPath("/boom-open", true), failed));
            assertThat(s.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            s.cancel();
        }
        SpanData boom = named(spansOf(failed, 4), "stage boom-open");
        assertThat(boom.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(boom.getAttributes().get(AttributeKey.stringKey("sluice.stage.policy"))).isEqualTo("fail-open");
        assertThat(boom.getEvents()).anyMatch(event -> event.getName().equals("exception"));

        String stalled = hex(32);
        try (ExtProcClient s = stream()) {
            s.send(withTraceparent(requestHeadersForPath("/stall", true), stalled));
            assertThat(s.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            s.cancel();
        }
        SpanData stall = named(spansOf(stalled, 4), "stage stall");
        assertThat(stall.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(stall.getEvents()).anyMatch(event -> event.getName().equals("timeout"));
    }

    private static io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest withTraceparent(
            io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest request, String traceId) {
        var headers = request.getRequestHeaders().toBuilder();
        headers.getHeadersBuilder().addHeaders(io.envoyproxy.envoy.config.core.v3.HeaderValue.newBuilder()
                .setKey("traceparent").setRawValue(com.google.protobuf.ByteString.copyFromUtf8("00-" + traceId + "-" + hex(16) + "-01")));
        return request.toBuilder().setRequestHeaders(headers).build();
    }

    /** Waits until the trace holds {@code expected} finished spans (exported asynchronously). */
    private List<SpanData> spansOf(String traceId, int expected) {
        await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId)).count() >= expected);
        return spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }

    private static SpanData named(List<SpanData> trace, String name) {
        List<SpanData> found = trace.stream().filter(span -> span.getName().equals(name)).toList();
        assertThat(found).as("one span named '" + name + "' in " + trace).hasSize(1);
        return found.get(0);
    }

    private static String hex(int digits) {
        StringBuilder s = new StringBuilder(digits);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < digits; i++) {
            s.append(Character.forDigit(random.nextInt(16), 16));
        }
        return s.toString();
    }
}
