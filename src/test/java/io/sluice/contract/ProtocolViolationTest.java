package io.sluice.contract;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.requestTrailers;
import static io.sluice.stagetest.EnvoyMessages.responseBody;
import static io.sluice.stagetest.EnvoyMessages.responseHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse.ResponseCase;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.sluice.testing.ExtProcClient;

/** A message that breaks the protocol ends only its own stream, with a status naming the message and state. */
@QuarkusTest
class ProtocolViolationTest extends ChannelSupport {

    private Status violate(List<ProcessingRequest> messages) {
        try (ExtProcClient s = stream()) {
            messages.forEach(s::send);
            return s.awaitClose();
        }
    }

    private static Consumer<Status> status(Status.Code code, String... fragments) {
        return st -> {
            assertThat(st.getCode()).isEqualTo(code);
            for (String f : fragments) {
                assertThat(st.getDescription()).contains(f);
            }
        };
    }

    @Test
    void emptyRequestIsInvalidArgument() {
        assertThat(violate(List.of(ProcessingRequest.getDefaultInstance())))
                .satisfies(status(Status.Code.INVALID_ARGUMENT, "carries no message"));
    }

    @Test
    void secondHeadersInOneDirection() {
        assertThat(violate(List.of(requestHeaders(false), requestHeaders(false))))
                .satisfies(status(Status.Code.FAILED_PRECONDITION, "second request_headers", "on the request path after request_headers"));
    }

    @Test
    void bodyAfterEndOfStream() {
        assertThat(violate(List.of(requestHeaders(true), requestBody("late", false))))
                .satisfies(status(Status.Code.FAILED_PRECONDITION, "request_body received", "end_of_stream=true"));
        assertThat(violate(List.of(responseHeaders(false), responseBody("a", true), responseBody("b", true))))
                .satisfies(status(Status.Code.FAILED_PRECONDITION, "response_body received", "response_body with end_of_stream=true"));
    }

    @Test
    void headersAfterBody() {
        assertThat(violate(List.of(requestBody("a", false), requestHeaders(false))))
                .satisfies(status(Status.Code.FAILED_PRECONDITION, "request_headers received", "after 1 request_body message(s)"));
    }

    @Test
    void trailersTwice() {
        assertThat(violate(List.of(requestHeaders(false), requestTrailers("a", "b"), requestTrailers("a", "b"))))
                .satisfies(status(Status.Code.FAILED_PRECONDITION, "second request_trailers"));
    }

    @Test
    void bodyWhenAnnouncedModeIsNone() {
        assertThat(violate(List.of(first(requestHeaders(false), BodySendMode.NONE, BodySendMode.NONE), requestBody("x", true))))
                .satisfies(status(Status.Code.FAILED_PRECONDITION, "request_body", "announced in protocol_config is NONE"));
    }

    @Test
    void secondBodyInBufferedMode() {
        assertThat(violate(List.of(first(requestHeaders(false), BodySendMode.BUFFERED, BodySendMode.NONE),
                requestBody("x", false), requestBody("y", true))))
                .satisfies(status(Status.Code.FAILED_PRECONDITION, "second request_body", "BUFFERED"));
    }

    @Test
    void aViolationLeavesOtherStreamsUntouched() {
        try (ExtProcClient healthy = stream(); ExtProcClient broken = stream()) {
            healthy.send(first(requestHeaders(false), BodySendMode.STREAMED, BodySendMode.NONE));
            assertThat(healthy.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);

            broken.send(requestHeaders(false)).send(requestHeaders(false));
            assertThat(broken.awaitClose().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);

            healthy.send(requestBody("still here", true));
            assertThat(healthy.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_BODY);
            healthy.send(responseHeaders(true));
            assertThat(healthy.next().getResponseCase()).isEqualTo(ResponseCase.RESPONSE_HEADERS);
            healthy.halfClose();
            assertThat(healthy.awaitClose().getCode()).isEqualTo(Status.Code.OK);
        }
    }

    @Test
    void aChunkOverTheMessageSizeLimitEndsOnlyItsStreamNamingTheLimit() {
        try (ExtProcClient healthy = stream(); ExtProcClient big = stream()) {
            healthy.send(first(requestHeaders(false), BodySendMode.STREAMED, BodySendMode.NONE));
            assertThat(healthy.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);

            big.send(first(requestHeaders(false), BodySendMode.STREAMED, BodySendMode.NONE));
            assertThat(big.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            big.send(requestBody(com.google.protobuf.ByteString.copyFrom(new byte[9 * 1024 * 1024]), true));
            Status status = big.awaitClose();
            assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(status.getDescription()).contains("request_body of").contains("sluice.exchange.max-message-bytes=8388608");

            healthy.send(requestBody("fine", true));
            assertThat(healthy.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_BODY);
        }
    }

    @Test
    void aStalledFullDuplexBodyEndsItsStreamButAnIdleStreamedOneLivesOn() throws InterruptedException {
        try (ExtProcClient duplex = stream(); ExtProcClient streamed = stream()) {
            duplex.send(first(requestHeaders(false), BodySendMode.FULL_DUPLEX_STREAMED, BodySendMode.NONE));
            assertThat(duplex.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            duplex.send(requestBody("some", false));
            assertThat(duplex.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_BODY);

            streamed.send(first(requestHeaders(false), BodySendMode.STREAMED, BodySendMode.NONE));
            assertThat(streamed.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);

            // Then Envoy sends nothing more on either stream (test profile: 1 s idle timeout).
            Status status = duplex.awaitClose();
            assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(status.getDescription()).contains("sluice.exchange.full-duplex-idle-timeout");

            assertThat(streamed.isClosed()).isFalse();
            streamed.send(requestBody("late but fine", true));
            assertThat(streamed.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_BODY);
        }
    }
}
