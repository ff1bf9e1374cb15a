package io.sluice.stages;

import static io.sluice.stagetest.EnvoyMessages.header;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.responseHeaders;
import static io.sluice.stagetest.EnvoyMessages.withAttributes;
import static io.sluice.stagetest.EnvoyMessages.withMetadata;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.sluice.stagetest.StageConfig;
import io.sluice.stagetest.StageTestKit;

public class EnvoyGatewayDemoStageTest {

    /** The defaults, as Sluice binds them. */
    public static final EnvoyGatewayDemoConfig CONFIG = StageConfig.defaults(EnvoyGatewayDemoConfig.class)
            .mapping(EnvoyGatewayDemoConfig.class);

    final StageTestKit kit = StageTestKit.of("eg-demo", new EnvoyGatewayDemoStage(CONFIG));

    @Test
    void tagsRequestAndResponseLikeEnvoyGatewaysExampleProcessor() {
        List<ProcessingResponse> replies = kit.exchange(
                withAttributes(requestHeaders("x-request-client-header", "original"),
                        Map.of("xds.route_name", "httproute/default/myapp/rule/0/match/0/www_example_com", "request.path", "/myapp")),
                withMetadata(responseHeaders(), "envoy.filters.http.rbac", "enforced_engine_result", "allowed"));

        var request = replies.get(0).getRequestHeaders().getResponse().getHeaderMutation();
        assertThat(header(request, "x-request-ext-processed")).isEqualTo("true");
        assertThat(header(request, "x-request-xds-route-name")).isEqualTo("httproute/default/myapp/rule/0/match/0/www_example_com");
        assertThat(header(request, "x-request-client-header")).isEqualTo("mutated");
        assertThat(header(request, "x-request-client-header-received")).isEqualTo("original");

        var response = replies.get(1).getResponseHeaders().getResponse().getHeaderMutation();
        assertThat(header(response, "x-response-ext-processed")).isEqualTo("true");
        assertThat(header(response, "x-response-xds-route-name")).isEqualTo("httproute/default/myapp/rule/0/match/0/www_example_com");
        assertThat(header(response, "x-response-rbac-result-metadata")).isEqualTo("allowed");
        assertThat(header(response, "x-response-request-path")).isEqualTo("/myapp");
        assertThat(replies.get(1).getDynamicMetadata().getFieldsOrThrow("io.envoyproxy.gateway.e2e").getStructValue()
                .getFieldsOrThrow("request_cost_set_by_ext_proc").getNumberValue()).isEqualTo(10);
    }

    @Test
    void leavesAbsentFactsAlone() {
        List<ProcessingResponse> replies = kit.exchange(requestHeaders(), responseHeaders());
        var request = replies.get(0).getRequestHeaders().getResponse().getHeaderMutation();
        assertThat(header(request, "x-request-xds-route-name")).isNull();
        assertThat(header(request, "x-request-client-header-received")).isNull();
        var response = replies.get(1).getResponseHeaders().getResponse().getHeaderMutation();
        assertThat(header(response, "x-response-rbac-result-metadata")).isNull();
        assertThat(header(response, "x-response-request-path")).isNull();
    }
}
