package io.sluice.perf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.sluice.stages.EnvoyGatewayDemoStage;
import io.sluice.stages.EnvoyGatewayDemoStageTest;
import io.sluice.stagetest.StageTestKit;

/**
 * The performance suite's ratios compare like with like only while the bare handler does to each of the suite's
 * messages what Sluice's default pipeline (the eg-demo stage) does: the same headers set, the same dynamic metadata.
 */
class BaselineParityTest {

    private final StageTestKit kit = StageTestKit.of("eg-demo", new EnvoyGatewayDemoStage(EnvoyGatewayDemoStageTest.CONFIG));

    @Test
    void headersOnlyRepliesCarryWhatTheDefaultPipelineSends() {
        assertSameWork(ExtProcWorkload.HEADERS_ONLY);
    }

    @Test
    void fourPhasesRepliesCarryWhatTheDefaultPipelineSends() {
        assertSameWork(ExtProcWorkload.FOUR_PHASES);
    }

    private void assertSameWork(ExtProcWorkload workload) {
        List<ProcessingRequest> messages = new ArrayList<>();
        workload.steps().forEach(messages::addAll);
        List<ProcessingResponse> sluice = kit.exchange(messages.toArray(ProcessingRequest[]::new));
        assertThat(sluice).hasSize(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            ProcessingResponse baseline = BaselineExtProcServer.reply(messages.get(i));
            ProcessingResponse ours = sluice.get(i);
            assertThat(baseline.getResponseCase()).isEqualTo(ours.getResponseCase());
            assertThat(setHeaders(baseline)).as("headers set in reply %d", i).isEqualTo(setHeaders(ours));
            assertThat(baseline.getDynamicMetadata()).as("dynamic metadata of reply %d", i)
                    .isEqualTo(ours.getDynamicMetadata());
        }
    }

    /** name=value of every header the reply sets, in order. */
    private static List<String> setHeaders(ProcessingResponse reply) {
        CommonResponse common = switch (reply.getResponseCase()) {
            case REQUEST_HEADERS -> reply.getRequestHeaders().getResponse();
            case RESPONSE_HEADERS -> reply.getResponseHeaders().getResponse();
            case REQUEST_BODY -> reply.getRequestBody().getResponse();
            case RESPONSE_BODY -> reply.getResponseBody().getResponse();
            default -> CommonResponse.getDefaultInstance();
        };
        return common.getHeaderMutation().getSetHeadersList().stream()
                .map(h -> h.getHeader().getKey() + "=" + h.getHeader().getRawValue().toStringUtf8())
                .toList();
    }
}
