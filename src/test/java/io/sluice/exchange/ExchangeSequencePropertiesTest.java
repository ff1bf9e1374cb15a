package io.sluice.exchange;

import io.sluice.stage.Direction;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpTrailers;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProtocolConfiguration;
import io.sluice.stages.EnvoyGatewayDemoStageTest;
import io.sluice.stages.EnvoyGatewayDemoStage;
import io.sluice.stagetest.EnvoyMessages;
import io.sluice.stagetest.StageTestKit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whole exchanges through the real exchange and pipeline: for every header mode (SEND/SKIP), body mode
 * (NONE/STREAMED/BUFFERED/BUFFERED_PARTIAL), trailers (present or not) in both directions, interleaved in any
 * order Envoy may produce, every message gets exactly one reply of the matching kind, in order per direction;
 * in observability mode none at all.
 */
class ExchangeSequencePropertiesTest {

    record Path(Direction direction, BodySendMode mode, List<ProcessingRequest> messages) {
    }

    record Exchange(Path request, Path response, List<Boolean> interleaving, boolean observability) {
        List<ProcessingRequest> messages() {
            List<ProcessingRequest> out = new ArrayList<>();
            int r = 0;
            int s = 0;
            for (boolean takeRequest : interleaving) {
                if ((takeRequest || s == response.messages.size()) && r < request.messages.size()) {
                    out.add(request.messages.get(r++));
                } else if (s < response.messages.size()) {
                    out.add(response.messages.get(s++));
                }
            }
            while (r < request.messages.size()) {
                out.add(request.messages.get(r++));
            }
            while (s < response.messages.size()) {
                out.add(response.messages.get(s++));
            }
            if (!out.isEmpty() && !observability) {
                // Envoy announces the effective body modes on the first message of the stream.
                out.set(0, out.get(0).toBuilder().setProtocolConfig(ProtocolConfiguration.newBuilder()
                        .setRequestBodyMode(request.mode).setResponseBodyMode(response.mode)).build());
            }
            if (observability) {
                out.replaceAll(m -> m.toBuilder().setObservabilityMode(true).build());
            }
            return out;
        }
    }

    static Arbitrary<Path> path(Direction direction) {
        Arbitrary<BodySendMode> modes = Arbitraries.of(BodySendMode.NONE, BodySendMode.STREAMED, BodySendMode.BUFFERED,
                BodySendMode.BUFFERED_PARTIAL);
        return Combinators.combine(modes, Arbitraries.of(true, false), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, 5)).as((mode, headers, trailers, chunks) -> {
                    int bodies = switch (mode) {
                        case NONE -> 0;
                        case BUFFERED, BUFFERED_PARTIAL -> Math.min(chunks, 1);
                        default -> chunks;
                    };
                    List<ProcessingRequest> messages = new ArrayList<>();
                    if (headers) {
                        messages.add(headers(direction, bodies == 0 && !trailers));
                    }
                    for (int i = 0; i < bodies; i++) {
                        messages.add(body(direction, "chunk" + i, i == bodies - 1 && !trailers));
                    }
                    if (trailers) {
                        messages.add(trailers(direction));
                    }
                    return new Path(direction, mode, messages);
                });
    }

    static ProcessingRequest headers(Direction d, boolean endOfStream) {
        return d == Direction.REQUEST ? EnvoyMessages.requestHeaders(endOfStream)
                : ProcessingRequest.newBuilder().setResponseHeaders(HttpHeaders.newBuilder()
                        .setHeaders(EnvoyMessages.headerMap(":status", "200")).setEndOfStream(endOfStream)).build();
    }

    static ProcessingRequest body(Direction d, String chunk, boolean endOfStream) {
        HttpBody body = HttpBody.newBuilder().setBody(ByteString.copyFromUtf8(chunk)).setEndOfStream(endOfStream).build();
        return d == Direction.REQUEST ? ProcessingRequest.newBuilder().setRequestBody(body).build()
                : ProcessingRequest.newBuilder().setResponseBody(body).build();
    }

    static ProcessingRequest trailers(Direction d) {
        HttpTrailers t = HttpTrailers.newBuilder().setTrailers(EnvoyMessages.headerMap("x-t", "1")).build();
        return d == Direction.REQUEST ? ProcessingRequest.newBuilder().setRequestTrailers(t).build()
                : ProcessingRequest.newBuilder().setResponseTrailers(t).build();
    }

    @Provide
    Arbitrary<Exchange> exchanges() {
        return Combinators.combine(path(Direction.REQUEST), path(Direction.RESPONSE),
                Arbitraries.of(true, false).list().ofMaxSize(16), Arbitraries.of(false, false, false, true))
                .as(Exchange::new);
    }

    final StageTestKit kit = StageTestKit.of("eg-demo", new EnvoyGatewayDemoStage(EnvoyGatewayDemoStageTest.CONFIG));

    @Property(tries = 300)
    void oneMatchingReplyPerMessageInOrderPerDirection(@ForAll("exchanges") Exchange exchange) {
        List<ProcessingRequest> messages = exchange.messages();
        List<ProcessingResponse> replies = kit.exchange(messages.toArray(ProcessingRequest[]::new));
        if (exchange.observability()) {
            assertThat(replies).isEmpty();
            return;
        }
        assertThat(replies).hasSameSizeAs(messages);
        for (int i = 0; i < messages.size(); i++) {
            assertThat(replies.get(i).getResponseCase().getNumber())
                    .as("reply %d to %s", i, messages.get(i).getRequestCase())
                    .isEqualTo(expectedReply(messages.get(i)));
        }
    }

    /** ProcessingResponse oneof numbers: 1..6 mirror ProcessingRequest's 2..7. */
    private static int expectedReply(ProcessingRequest request) {
        return request.getRequestCase().getNumber() - 1;
    }
}
