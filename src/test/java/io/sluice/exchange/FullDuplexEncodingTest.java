package io.sluice.exchange;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.StreamedBodyResponse;
import io.sluice.stages.EnvoyGatewayDemoStage;
import io.sluice.stages.EnvoyGatewayDemoStageTest;
import io.sluice.stagetest.StageTestKit;

/** FULL_DUPLEX_STREAMED bodies are answered as streamed_response chunks of at most 64 KiB, never as plain mutations. */
class FullDuplexEncodingTest {

    final StageTestKit kit = StageTestKit.of("eg-demo", new EnvoyGatewayDemoStage(EnvoyGatewayDemoStageTest.CONFIG));

    @Test
    void bigChunksAreSplitEmptyOnesNeedNoReplyAndTheEndIsMirrored() {
        ByteString big = ByteString.copyFrom(new byte[150 * 1024]);
        List<ProcessingResponse> replies = kit.exchange(
                first(requestHeaders(false), BodySendMode.FULL_DUPLEX_STREAMED, BodySendMode.NONE),
                requestBody(big, false),
                requestBody(ByteString.EMPTY, false),
                requestBody("last", true));

        assertThat(replies.get(0).hasRequestHeaders()).isTrue();
        List<StreamedBodyResponse> streamed = replies.subList(1, replies.size()).stream()
                .map(r -> r.getRequestBody().getResponse().getBodyMutation().getStreamedResponse()).toList();
        assertThat(streamed).extracting(s -> s.getBody().size()).containsExactly(65536, 65536, 22528, 4);
        assertThat(streamed).extracting(StreamedBodyResponse::getEndOfStream).containsExactly(false, false, false, true);
        assertThat(streamed.get(0).getBody().concat(streamed.get(1).getBody()).concat(streamed.get(2).getBody())).isEqualTo(big);
    }
}
