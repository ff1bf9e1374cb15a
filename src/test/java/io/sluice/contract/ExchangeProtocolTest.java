package io.sluice.contract;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.header;
import static io.sluice.stagetest.EnvoyMessages.observed;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.requestHeadersFor;
import static io.sluice.stagetest.EnvoyMessages.requestHeadersForPath;
import static io.sluice.stagetest.EnvoyMessages.requestTrailers;
import static io.sluice.stagetest.EnvoyMessages.responseBody;
import static io.sluice.stagetest.EnvoyMessages.responseHeaders;
import static io.sluice.stagetest.EnvoyMessages.responseTrailers;
import static io.sluice.stagetest.EnvoyMessages.withAttributes;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse.ResponseCase;
import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sluice.testing.ExtProcClient;
import io.sluice.testing.FreeGrpcPort;

/** Legal sequences: exactly one matching reply per message, in order per direction. */
@QuarkusTest
@QuarkusTestResource(FreeGrpcPort.class)
class ExchangeProtocolTest extends ChannelSupport {

    @Test
    void headersOnlyExchangeIsAnsweredAndHalfCloseCompletesWithOk() {
        try (ExtProcClient s = stream()) {
            s.send(withAttributes(first(requestHeaders(true, "x-request-client-header", "original"),
                    BodySendMode.NONE, BodySendMode.NONE), Map.of("xds.route_name", "httproute/default/myapp/rule/0")));
            ProcessingResponse reply = s.next();
            assertThat(reply.getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            var mutation = reply.getRequestHeaders().getResponse().getHeaderMutation();
            assertThat(header(mutation, "x-request-ext-processed")).isEqualTo("true");
            assertThat(header(mutation, "x-request-xds-route-name")).isEqualTo("httproute/default/myapp/rule/0");
            assertThat(header(mutation, "x-request-client-header")).isEqualTo("mutated");
            assertThat(header(mutation, "x-request-client-header-received")).isEqualTo("original");
            assertThat(mutation.getSetHeadersList()).allSatisfy(h -> {
                assertThat(h.hasAppend()).as("append is explicit").isTrue();
                assertThat(h.getHeader().getValue()).as("value stays empty; raw_value carries it").isEmpty();
            });
            assertThat(reply.getDynamicMetadata().getFieldsOrThrow("io.envoyproxy.gateway.e2e").getStructValue()
                    .getFieldsOrThrow("ext-proc-emitted-metadata").getStringValue()).isEqualTo("received");

            s.send(responseHeaders(true));
            ProcessingResponse response = s.next();
            assertThat(response.getResponseCase()).isEqualTo(ResponseCase.RESPONSE_HEADERS);
            var responseMutation = response.getResponseHeaders().getResponse().getHeaderMutation();
            assertThat(header(responseMutation, "x-response-ext-processed")).isEqualTo("true");
            assertThat(header(responseMutation, "x-response-xds-route-name")).isEqualTo("httproute/default/myapp/rule/0");
            assertThat(response.getDynamicMetadata().getFieldsOrThrow("io.envoyproxy.gateway.e2e").getStructValue()
                    .getFieldsOrThrow("request_cost_set_by_ext_proc").getNumberValue()).isEqualTo(10.0);
            assertThat(response.hasModeOverride()).isFalse();

            s.halfClose();
            assertThat(s.awaitClose().getCode()).isEqualTo(Status.Code.OK);
            assertThat(s.drain()).isEmpty();
        }
    }

    @Test
    void streamedBodiesInBothDirectionsInterleaveAndKeepOrderPerDirection() {
        try (ExtProcClient s = stream()) {
            s.send(first(requestHeadersForPath("/upper", false), BodySendMode.STREAMED, BodySendMode.STREAMED));
            s.send(requestBody("a", false));
            s.send(requestBody("b", false));
            // The upstream answered early: response headers while the request body is still streaming.
            s.send(responseHeaders(false));
            s.send(responseBody("x", false));
            s.send(requestBody("c", true));
            s.send(responseBody("y", false));
            s.send(responseTrailers("grpc-status", "0"));

            List<ProcessingResponse> replies = List.of(s.next(), s.next(), s.next(), s.next(), s.next(), s.next(), s.next(),
                    s.next());
            assertThat(replies).extracting(ProcessingResponse::getResponseCase).containsExactly(
                    ResponseCase.REQUEST_HEADERS, ResponseCase.REQUEST_BODY, ResponseCase.REQUEST_BODY,
                    ResponseCase.RESPONSE_HEADERS, ResponseCase.RESPONSE_BODY, ResponseCase.REQUEST_BODY,
                    ResponseCase.RESPONSE_BODY, ResponseCase.RESPONSE_TRAILERS);
            assertThat(replies.get(1).getRequestBody().getResponse().getBodyMutation().getBody().toStringUtf8()).isEqualTo("A");
            assertThat(replies.get(2).getRequestBody().getResponse().getBodyMutation().getBody().toStringUtf8()).isEqualTo("B");
            assertThat(replies.get(4).getResponseBody().getResponse().getBodyMutation().getBody().toStringUtf8()).isEqualTo("X");
            assertThat(replies.get(5).getRequestBody().getResponse().getBodyMutation().getBody().toStringUtf8()).isEqualTo("C");
            assertThat(replies.get(6).getResponseBody().getResponse().getBodyMutation().getBody().toStringUtf8()).isEqualTo("Y");
            s.halfClose();
            assertThat(s.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        }
    }

    @Test
    void bufferedBodyThenTrailersGetOneReplyEach() {
        try (ExtProcClient s = stream()) {
            s.send(first(requestHeaders(false), BodySendMode.BUFFERED, BodySendMode.BUFFERED_PARTIAL));
            s.send(requestBody("whole body", false));
            s.send(requestTrailers("x-checksum", "abc"));
            s.send(responseHeaders(false));
            s.send(responseBody("partial", false));
            s.send(responseTrailers("x-t", "1"));
            assertThat(List.of(s.next(), s.next(), s.next(), s.next(), s.next(), s.next()))
                    .extracting(ProcessingResponse::getResponseCase).containsExactly(
                            ResponseCase.REQUEST_HEADERS, ResponseCase.REQUEST_BODY, ResponseCase.REQUEST_TRAILERS,
                            ResponseCase.RESPONSE_HEADERS, ResponseCase.RESPONSE_BODY, ResponseCase.RESPONSE_TRAILERS);
        }
    }

    @Test
    void headerModeSkipMeansBodyMayComeFirstAndEmptyLastChunkIsAnswered() {
        try (ExtProcClient s = stream()) {
            s.send(first(requestBody("abc", false), BodySendMode.STREAMED, BodySendMode.NONE));
            s.send(requestBody("", true));
            s.send(responseHeaders(true));
            assertThat(List.of(s.next(), s.next(), s.next())).extracting(ProcessingResponse::getResponseCase)
                    .containsExactly(ResponseCase.REQUEST_BODY, ResponseCase.REQUEST_BODY, ResponseCase.RESPONSE_HEADERS);
        }
    }

    @Test
    void observabilityModeGetsNoRepliesAtAll() {
        try (ExtProcClient s = stream()) {
            s.send(observed(requestHeaders(false)));
            s.send(observed(requestBody("a", false)));
            s.send(observed(requestBody("b", true)));
            s.send(observed(responseHeaders(false)));
            s.send(observed(responseBody("c", true)));
            s.halfClose();
            assertThat(s.awaitClose().getCode()).isEqualTo(Status.Code.OK);
            assertThat(s.drain()).isEmpty();
        }
    }

    @Test
    void modeOverrideFillsBothBodyModes() {
        try (ExtProcClient s = stream()) {
            s.send(first(requestHeadersForPath("/override", false), BodySendMode.NONE, BodySendMode.BUFFERED));
            ProcessingResponse reply = s.next();
            assertThat(reply.getModeOverride().getRequestBodyMode()).isEqualTo(BodySendMode.STREAMED);
            assertThat(reply.getModeOverride().getResponseBodyMode()).isEqualTo(BodySendMode.BUFFERED);
            // Envoy may have honoured it: a body must now be accepted although NONE was announced.
            s.send(requestBody("streamed now", true));
            assertThat(s.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_BODY);
        }
    }

    @Test
    void immediateResponseFromAStageCarriesStatusHeadersBodyAndDetails() {
        try (ExtProcClient s = stream()) {
            s.send(requestHeadersForPath("/denied/x", true));
            ProcessingResponse reply = s.next();
            assertThat(reply.getResponseCase()).isEqualTo(ResponseCase.IMMEDIATE_RESPONSE);
            var immediate = reply.getImmediateResponse();
            assertThat(immediate.getStatus().getCodeValue()).isEqualTo(403);
            assertThat(immediate.getBody().toStringUtf8()).isEqualTo("denied by sluice");
            assertThat(immediate.getDetails()).isEqualTo("sluice_denied");
            assertThat(header(immediate.getHeaders(), "x-denied-by")).isEqualTo("sluice");
            // Envoy ignores anything after an immediate response; a packed message behind it gets no reply.
            s.send(requestTrailers("x", "y"));
            s.halfClose();
            assertThat(s.awaitClose().getCode()).isEqualTo(Status.Code.OK);
            assertThat(s.drain()).isEmpty();
        }
    }

    @Test
    void stagesRunInOrderOnRequestAndInReverseOnResponseAndKeepState() {
        try (ExtProcClient s = stream()) {
            s.send(requestHeadersForPath("/state/1", true));
            assertThat(s.next().getRequestHeaders().getResponse().getHeaderMutation().getSetHeadersList())
                    .extracting(h -> h.getHeader().getRawValue().toStringUtf8()).containsExactly("order-probe");
            s.send(responseHeaders(true));
            var mutation = s.next().getResponseHeaders().getResponse().getHeaderMutation();
            assertThat(header(mutation, "x-state")).isEqualTo("POST /state/1");
            assertThat(mutation.getSetHeadersList().stream().filter(h -> h.getHeader().getKey().equals("x-order"))
                    .map(h -> h.getHeader().getRawValue().toStringUtf8()).toList()).containsExactly("state", "order-probe");
        }
    }

    @Test
    void failOpenStageIsSkippedWithItsChangesRolledBack() {
        try (ExtProcClient s = stream()) {
            s.send(requestHeadersForPath("/boom-open", true));
            ProcessingResponse reply = s.next();
            var mutation = reply.getRequestHeaders().getResponse().getHeaderMutation();
            assertThat(header(mutation, "x-boom")).isNull();
            assertThat(header(mutation, "x-request-ext-processed")).isEqualTo("true");
            assertThat(reply.getDynamicMetadata().getFieldsMap()).doesNotContainKey("boom");
        }
    }

    @Test
    void stalledStageTimesOutFailsOpenAndCannotWriteLate() {
        int before = io.sluice.testing.TestStages.Stall.LATE_WRITES_REJECTED.get();
        try (ExtProcClient s = stream()) {
            s.send(requestHeadersForPath("/stall", true));
            ProcessingResponse reply = s.next(Duration.ofSeconds(2));
            var mutation = reply.getRequestHeaders().getResponse().getHeaderMutation();
            assertThat(header(mutation, "x-request-ext-processed")).isEqualTo("true");
            assertThat(header(mutation, "x-late")).isNull();
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2))
                .until(() -> io.sluice.testing.TestStages.Stall.LATE_WRITES_REJECTED.get() > before);
    }

    @Test
    void failClosedStageAnswersWithItsStatusOrEndsTheStream() {
        try (ExtProcClient s = stream()) {
            s.send(requestHeadersForPath("/boom-respond", true));
            ProcessingResponse reply = s.next();
            assertThat(reply.getImmediateResponse().getStatus().getCodeValue()).isEqualTo(503);
            assertThat(reply.getImmediateResponse().getDetails()).isEqualTo("sluice_stage_boom-respond_failed");
        }
        try (ExtProcClient s = stream()) {
            s.send(requestHeadersForPath("/boom-grpc", true));
            Status status = s.awaitClose();
            assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(status.getDescription()).contains("boom-grpc").contains("request_headers");
        }
    }


    @Test
    void pipelineIsChosenByRouteNameThenAuthorityThenPathPrefix() {
        // Route name wins over the path prefix of the "state" pipeline.
        try (ExtProcClient s = stream()) {
            s.send(withAttributes(requestHeadersForPath("/state/x", true), Map.of("xds.route_name", "deny-route")));
            assertThat(s.next().getImmediateResponse().getStatus().getCodeValue()).isEqualTo(403);
        }
        // Authority (port ignored) wins over the path prefix.
        try (ExtProcClient s = stream()) {
            s.send(requestHeadersFor("denied.example.com:8443", "/state/x"));
            assertThat(s.next().getImmediateResponse().getStatus().getCodeValue()).isEqualTo(403);
        }
        // No rule matches: the default pipeline.
        try (ExtProcClient s = stream()) {
            s.send(requestHeadersForPath("/anything", true));
            assertThat(header(s.next().getRequestHeaders().getResponse().getHeaderMutation(), "x-request-ext-processed"))
                    .isEqualTo("true");
        }
    }

    @Test
    void routeCacheIsClearedOnlyWithAHeaderMutationOnTheRequestPath() {
        try (ExtProcClient s = stream()) {
            s.send(requestHeadersForPath("/reroute", true));
            var request = s.next().getRequestHeaders().getResponse();
            assertThat(request.getClearRouteCache()).isTrue();
            assertThat(header(request.getHeaderMutation(), ":path")).isEqualTo("/elsewhere");
            s.send(responseHeaders(true));
            var response = s.next().getResponseHeaders().getResponse();
            assertThat(response.getClearRouteCache()).as("Envoy ignores it on the response path").isFalse();
            assertThat(header(response.getHeaderMutation(), "x-rerouted")).isEqualTo("yes");
        }
    }
}
