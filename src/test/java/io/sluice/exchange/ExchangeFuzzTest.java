package io.sluice.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sluice.stages.EnvoyGatewayDemoStage;
import io.sluice.stages.EnvoyGatewayDemoStageTest;
import io.sluice.stagetest.StageTestKit;
import io.sluice.testing.Fuzz;

/**
 * Coverage-guided fuzzing of the exchange's message handling: any sequence of messages, decodable or not, ends either
 * in one reply per message of the matching kind or in one of the protocol's named errors; never an exception of
 * another kind, never a hang (the kit waits 5 s), never an error without a description.
 * <p>
 * Input: messages framed as a 2-byte length and that many bytes of a ProcessingRequest, as gRPC would hand them over.
 * Seeds ({@code ExchangeFuzzTestInputs/}) are legal exchanges of every body mode; {@code ExchangeFuzzSeeds} writes them.
 */
@Fuzz
class ExchangeFuzzTest {

    static final int MAX_MESSAGES = 24;
    private static final EnumSet<Status.Code> NAMED = EnumSet.of(Status.Code.INVALID_ARGUMENT,
            Status.Code.FAILED_PRECONDITION, Status.Code.RESOURCE_EXHAUSTED);

    private final StageTestKit kit = StageTestKit.of("eg-demo", new EnvoyGatewayDemoStage(EnvoyGatewayDemoStageTest.CONFIG));

    @FuzzTest
    void anySequenceEndsInRepliesOrANamedError(byte[] input) {
        List<ProcessingRequest> messages = messages(input);
        List<ProcessingResponse> replies;
        try {
            replies = kit.exchange(messages.toArray(ProcessingRequest[]::new));
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).as("%s", e.getStatus()).isIn(NAMED);
            assertThat(e.getStatus().getDescription()).isNotBlank();
            return;
        }
        // A stream that ended well answered every message, except in observability mode, where nothing is answered.
        boolean observed = messages.stream().anyMatch(ProcessingRequest::getObservabilityMode);
        if (!observed) {
            assertThat(replies).hasSizeLessThanOrEqualTo(messages.size());
            assertThat(replies).allSatisfy(reply -> assertThat(reply.getResponseCase())
                    .isNotEqualTo(ProcessingResponse.ResponseCase.RESPONSE_NOT_SET));
        }
    }

    static List<ProcessingRequest> messages(byte[] input) {
        ByteBuffer in = ByteBuffer.wrap(input);
        List<ProcessingRequest> messages = new ArrayList<>();
        while (in.remaining() >= 2 && messages.size() < MAX_MESSAGES) {
            int length = Math.min(in.getShort() & 0xFFFF, in.remaining());
            byte[] bytes = new byte[length];
            in.get(bytes);
            try {
                messages.add(ProcessingRequest.parseFrom(bytes));
            } catch (InvalidProtocolBufferException e) {
                messages.add(UndecodableMessage.of(e.getMessage()));
            }
        }
        return messages;
    }
}
