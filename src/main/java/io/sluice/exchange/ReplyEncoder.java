package io.sluice.exchange;

import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.GrpcStatus;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ImmediateResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.StreamedBodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.TrailersResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.sluice.message.MutableHeaders;
import io.sluice.message.PhaseReply;
import io.sluice.stage.Direction;
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.ModeOverride;

/**
 * Turns the stages' folded decisions into the ProcessingResponse(s) Envoy accepts for a message of one direction
 * (ext-proc-protocol.md, sections 3 and 11). A message nobody changed gets a reply built once at class load.
 */
final class ReplyEncoder {

    /** Envoy's recommended upper bound for one FULL_DUPLEX_STREAMED response chunk. */
    static final int MAX_STREAMED_CHUNK = 64 * 1024;

    static final ReplyEncoder REQUEST = new ReplyEncoder(Direction.REQUEST);
    static final ReplyEncoder RESPONSE = new ReplyEncoder(Direction.RESPONSE);

    private final Direction direction;
    private final ProcessingResponse unchangedHeaders;
    private final ProcessingResponse unchangedBody;
    private final ProcessingResponse unchangedTrailers;

    private ReplyEncoder(Direction direction) {
        this.direction = direction;
        this.unchangedHeaders = headers(ProcessingResponse.newBuilder(),
                HeadersResponse.newBuilder().setResponse(CommonResponse.getDefaultInstance()).build()).build();
        this.unchangedBody = body(ProcessingResponse.newBuilder(),
                BodyResponse.newBuilder().setResponse(CommonResponse.getDefaultInstance()).build()).build();
        this.unchangedTrailers = trailers(ProcessingResponse.newBuilder(), TrailersResponse.getDefaultInstance()).build();
    }

    /** Envoy sends the reply of a direction's messages with the field of that direction set. */
    static ReplyEncoder of(Direction direction) {
        return direction == Direction.REQUEST ? REQUEST : RESPONSE;
    }

    /**
     * Adds the matching reply for the message to {@code out}: exactly one, except in FULL_DUPLEX_STREAMED body phases
     * where the relation is M:N (an empty, non-final chunk needs no reply; a big one is split).
     *
     * @return the body bytes the replies carry back to Envoy
     */
    long encode(PhaseReply reply, BodySendMode bodyMode, ModeOverride effectiveModes, Queue<ProcessingResponse> out) {
        return switch (reply.phase().kind()) {
            case HEADERS -> {
                out.add(headersReply(reply, effectiveModes));
                yield 0;
            }
            case BODY -> bodyMode == BodySendMode.FULL_DUPLEX_STREAMED ? streamedBody(reply, out) : body(reply, bodyMode, out);
            case TRAILERS -> {
                out.add(trailersReply(reply));
                yield 0;
            }
        };
    }

    private ProcessingResponse headersReply(PhaseReply reply, ModeOverride effectiveModes) {
        HeaderMutation mutation = reply.headers().toMutation();
        if (isEmpty(mutation) && reply.modeOverride() == null && reply.metadata().isEmpty()) {
            return unchangedHeaders;
        }
        CommonResponse.Builder common = CommonResponse.newBuilder();
        if (!isEmpty(mutation)) {
            common.setHeaderMutation(mutation);
            // Envoy honours clear_route_cache only with a header mutation, and only on the request path.
            if (reply.clearRouteCache() && direction == Direction.REQUEST) {
                common.setClearRouteCache(true);
            }
        }
        ProcessingResponse.Builder response = headers(ProcessingResponse.newBuilder(),
                HeadersResponse.newBuilder().setResponse(common).build());
        if (reply.modeOverride() != null) {
            response.setModeOverride(modeOverride(reply.modeOverride(), effectiveModes));
        }
        addMetadata(response, reply);
        return response.build();
    }

    private ProcessingResponse trailersReply(PhaseReply reply) {
        HeaderMutation mutation = reply.headers().toMutation();
        if (isEmpty(mutation) && reply.metadata().isEmpty()) {
            return unchangedTrailers;
        }
        TrailersResponse.Builder trailers = TrailersResponse.newBuilder();
        if (!isEmpty(mutation)) {
            trailers.setHeaderMutation(mutation);
        }
        ProcessingResponse.Builder response = trailers(ProcessingResponse.newBuilder(), trailers.build());
        addMetadata(response, reply);
        return response.build();
    }

    private long body(PhaseReply reply, BodySendMode bodyMode, Queue<ProcessingResponse> out) {
        MutableHeaders headers = reply.headers();
        boolean chunkChanged = reply.chunkChanged();
        CommonResponse.Builder common = null;
        if (chunkChanged) {
            common = CommonResponse.newBuilder().setBodyMutation(reply.chunk().isEmpty()
                    ? BodyMutation.newBuilder().setClearBody(true) : BodyMutation.newBuilder().setBody(reply.chunk()));
            // BUFFERED with headers sent is the one mode where Envoy keeps content-length and answers 500
            // when it does not match the replaced body (in the others it strips the header).
            if (bodyMode == BodySendMode.BUFFERED && headers != null && headers.contains("content-length")) {
                headers.set("content-length", Integer.toString(reply.chunk().size()));
            }
        }
        HeaderMutation mutation = headers == null ? HeaderMutation.getDefaultInstance() : headers.toMutation();
        if (!isEmpty(mutation)) {
            common = (common == null ? CommonResponse.newBuilder() : common).setHeaderMutation(mutation);
        }
        if (common == null && reply.metadata().isEmpty()) {
            out.add(unchangedBody);
            return 0;
        }
        ProcessingResponse.Builder response = body(ProcessingResponse.newBuilder(), BodyResponse.newBuilder()
                .setResponse(common == null ? CommonResponse.getDefaultInstance() : common.build()).build());
        addMetadata(response, reply);
        out.add(response.build());
        return chunkChanged ? reply.chunk().size() : 0;
    }

    private long streamedBody(PhaseReply reply, Queue<ProcessingResponse> out) {
        ByteString chunk = reply.chunk();
        if (chunk.isEmpty() && !reply.endOfStream()) {
            return 0;
        }
        int offset = 0;
        do {
            int end = Math.min(chunk.size(), offset + MAX_STREAMED_CHUNK);
            StreamedBodyResponse streamed = StreamedBodyResponse.newBuilder()
                    .setBody(chunk.substring(offset, end))
                    .setEndOfStream(end == chunk.size() && reply.endOfStream())
                    .build();
            ProcessingResponse.Builder response = body(ProcessingResponse.newBuilder(), BodyResponse.newBuilder()
                    .setResponse(CommonResponse.newBuilder().setBodyMutation(BodyMutation.newBuilder().setStreamedResponse(streamed)))
                    .build());
            if (offset == 0) {
                addMetadata(response, reply);
            }
            out.add(response.build());
            offset = end;
        } while (offset < chunk.size());
        return chunk.size();
    }

    static ProcessingResponse immediate(ImmediateReply immediate, PhaseReply reply) {
        ImmediateResponse.Builder builder = ImmediateResponse.newBuilder()
                .setStatus(HttpStatus.newBuilder().setCodeValue(immediate.status()))
                .setBody(immediate.body())
                .setDetails(immediate.details());
        if (!immediate.headers().isEmpty()) {
            HeaderMutation.Builder headers = HeaderMutation.newBuilder();
            Set<String> seen = new HashSet<>();
            for (ImmediateReply.Header h : immediate.headers()) {
                headers.addSetHeaders(MutableHeaders.option(h.name(), ByteString.copyFromUtf8(h.value()), !seen.add(h.name())));
            }
            builder.setHeaders(headers);
        }
        immediate.grpcStatus().ifPresent(code -> builder.setGrpcStatus(GrpcStatus.newBuilder().setStatus(code)));
        ProcessingResponse.Builder response = ProcessingResponse.newBuilder().setImmediateResponse(builder);
        if (reply != null) {
            addMetadata(response, reply);
        }
        return response.build();
    }

    private ProcessingResponse.Builder headers(ProcessingResponse.Builder response, HeadersResponse headers) {
        return direction == Direction.REQUEST ? response.setRequestHeaders(headers) : response.setResponseHeaders(headers);
    }

    private ProcessingResponse.Builder body(ProcessingResponse.Builder response, BodyResponse body) {
        return direction == Direction.REQUEST ? response.setRequestBody(body) : response.setResponseBody(body);
    }

    private ProcessingResponse.Builder trailers(ProcessingResponse.Builder response, TrailersResponse trailers) {
        return direction == Direction.REQUEST ? response.setRequestTrailers(trailers) : response.setResponseTrailers(trailers);
    }

    private static void addMetadata(ProcessingResponse.Builder response, PhaseReply reply) {
        if (!reply.metadata().isEmpty()) {
            response.setDynamicMetadata(DynamicMetadata.SHARED.of(reply.metadata()));
        }
    }

    /** Both body modes always filled: Envoy copies them literally, so a missing one would turn into NONE. */
    private static ProcessingMode modeOverride(ModeOverride requested, ModeOverride current) {
        ProcessingMode.Builder mode = ProcessingMode.newBuilder()
                .setRequestBodyMode(requested.requestBody().or(current::requestBody).orElse(BodySendMode.NONE))
                .setResponseBodyMode(requested.responseBody().or(current::responseBody).orElse(BodySendMode.NONE));
        // DEFAULT (0) means "keep the configured value" for header and trailer modes since Envoy 1.34.
        requested.responseHeaders().ifPresent(mode::setResponseHeaderMode);
        requested.requestTrailers().ifPresent(mode::setRequestTrailerMode);
        requested.responseTrailers().ifPresent(mode::setResponseTrailerMode);
        return mode.build();
    }

    private static boolean isEmpty(HeaderMutation mutation) {
        return mutation.getSetHeadersCount() == 0 && mutation.getRemoveHeadersCount() == 0;
    }
}
