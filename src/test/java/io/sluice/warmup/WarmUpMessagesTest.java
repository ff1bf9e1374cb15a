package io.sluice.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.sluice.stage.Stage;
import io.sluice.stagetest.StageTestKit;

/** The warm-up speaks Envoy's protocol: Sluice's own exchange takes its messages and answers each one. */
class WarmUpMessagesTest {

    static final WarmUpRoute ROUTE = new WarmUpRoute("sluice-warm-up.invalid", "/", Optional.of("r1"));

    @Test
    void headersOnlyIsAGetWithoutBodies() {
        List<List<ProcessingRequest>> steps = WarmUpMessages.steps(ROUTE, WarmUpMessages.Shape.HEADERS_ONLY);

        assertThat(steps).hasSize(2);
        ProcessingRequest first = steps.get(0).get(0);
        assertThat(first.getRequestHeaders().getEndOfStream()).isTrue();
        assertThat(first.getProtocolConfig().getRequestBodyMode()).isEqualTo(BodySendMode.NONE);
        assertThat(first.getAttributesMap().get("envoy.filters.http.ext_proc").getFieldsMap().get("xds.route_name")
                .getStringValue()).isEqualTo("r1");
        assertThat(steps.get(1).get(0).hasResponseHeaders()).isTrue();
        assertThat(answers(steps)).hasSize(2);
    }

    @Test
    void streamedBodiesGoBothWaysInChunksAnnouncedAsEnvoyAnnouncesThem() {
        List<List<ProcessingRequest>> steps = WarmUpMessages.steps(ROUTE, WarmUpMessages.Shape.STREAMED_BODIES);

        assertThat(steps).hasSize(4);
        ProcessingRequest first = steps.get(0).get(0);
        assertThat(first.getRequestHeaders().getEndOfStream()).isFalse();
        assertThat(first.getProtocolConfig().getRequestBodyMode()).isEqualTo(BodySendMode.STREAMED);
        assertThat(first.getProtocolConfig().getResponseBodyMode()).isEqualTo(BodySendMode.STREAMED);
        assertThat(steps.get(1)).hasSizeGreaterThan(1).allMatch(ProcessingRequest::hasRequestBody);
        assertThat(steps.get(1).get(steps.get(1).size() - 1).getRequestBody().getEndOfStream()).isTrue();
        assertThat(steps.get(3)).hasSizeGreaterThan(1).allMatch(ProcessingRequest::hasResponseBody);
        int messages = steps.stream().mapToInt(List::size).sum();
        List<ProcessingResponse> replies = answers(steps);
        assertThat(replies).hasSize(messages);
        assertThat(replies).noneMatch(ProcessingResponse::hasImmediateResponse);
    }

    private static List<ProcessingResponse> answers(List<List<ProcessingRequest>> steps) {
        return StageTestKit.of("pass", new Stage() {
        }).exchange(steps.stream().flatMap(List::stream).toArray(ProcessingRequest[]::new));
    }
}
