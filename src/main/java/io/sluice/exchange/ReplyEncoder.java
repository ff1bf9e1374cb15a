package io.sluice.exchange;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

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
import io.sluice.stage.ImmediateReply;
import io.sluice.stage.ModeOverride;

/**
 * Turns the stages' folded decisions into the ProcessingResponse(s) Envoy accepts for the message: the rules for
 * outgoing replies, in one place (ext-proc-protocol.md, sections 3 and 11).
 */
final class ReplyEncoder {

    /** Envoy's recommended upper bound for one FULL_DUPLEX_STREAMED response chunk. */
    static final int MAX_STREAMED_CHUNK = 64 * 1024;

    private ReplyEncoder() {
    }

    /**
     * The matching reply for the message: exactly one, except in FULL_DUPLEX_STREAMED body phases where the
     * relation is M:N (an empty, non-final chunk needs no reply; a big one is split).
     */
    static List<ProcessingResponse> encode(PhaseReply reply, BodySendMode bodyMode, ModeOverride effectiveModes) {
        ProcessingResponse.Builder response = ProcessingResponse.newBuilder();
        switch (reply.phase.kind()) {
            case HEADERS -> {
                CommonResponse.Builder common = CommonResponse.newBuilder();
                HeaderMutation mutation = reply.headers.toMutation();
                if (!isEmpty(mutation)) {
                    common.setHeaderMutation(mutation);
                    // Envoy honours clear_route_cache only with a header mutation, and only on the request path.
                    if (reply.clearRouteCache && reply.phase.direction() == Direction.REQUEST) {
                        common.setClearRouteCache(true);
                    }
                }
                HeadersResponse headers = HeadersResponse.newBuilder().setResponse(common).build();
                if (reply.phase.direction() == Direction.REQUEST) {
                    response.setRequestHeaders(headers);
                } else {
                    response.setResponseHeaders(headers);
                }
                if (reply.modeOverride != null) {
                    response.setModeOverride(modeOverride(reply.modeOverride, effectiveModes));
                }
            }
            case BODY -> {
                if (bodyMode == BodySendMode.FULL_DUPLEX_STREAMED) {
                    return streamedBody(reply);
                }
                CommonResponse.Builder common = CommonResponse.newBuilder();
                if (reply.chunkChanged()) {
                    common.setBodyMutation(reply.chunk.isEmpty() ? BodyMutation.newBuilder().setClearBody(true)
                            : BodyMutation.newBuilder().setBody(reply.chunk));
                    // BUFFERED with headers sent is the one mode where Envoy keeps content-length and answers 500
                    // when it does not match the replaced body (in the others it strips the header).
                    if (bodyMode == BodySendMode.BUFFERED && reply.headers != null && reply.headers.contains("content-length")) {
                        reply.headers.set("content-length", Integer.toString(reply.chunk.size()));
                    }
                }
                if (reply.headers != null) {
                    HeaderMutation mutation = reply.headers.toMutation();
                    if (!isEmpty(mutation)) {
                        common.setHeaderMutation(mutation);
                    }
                }
                BodyResponse body = BodyResponse.newBuilder().setResponse(common).build();
                if (reply.phase.direction() == Direction.REQUEST) {
                    response.setRequestBody(body);
                } else {
                    response.setResponseBody(body);
                }
            }
            case TRAILERS -> {
                TrailersResponse.Builder trailers = TrailersResponse.newBuilder();
                HeaderMutation mutation = reply.headers.toMutation();
                if (!isEmpty(mutation)) {
                    trailers.setHeaderMutation(mutation);
                }
                if (reply.phase.direction() == Direction.REQUEST) {
                    response.setRequestTrailers(trailers);
                } else {
                    response.setResponseTrailers(trailers);
                }
            }
        }
        addMetadata(response, reply);
        return List.of(response.build());
    }

    private static List<ProcessingResponse> streamedBody(PhaseReply reply) {
        ByteString chunk = reply.chunk;
        if (chunk.isEmpty() && !reply.endOfStream) {
            return List.of();
        }
        List<ProcessingResponse> out = new ArrayList<>();
        int offset = 0;
        do {
            int end = Math.min(chunk.size(), offset + MAX_STREAMED_CHUNK);
            StreamedBodyResponse streamed = StreamedBodyResponse.newBuilder()
                    .setBody(chunk.substring(offset, end))
                    .setEndOfStream(end == chunk.size() && reply.endOfStream)
                    .build();
            BodyResponse body = BodyResponse.newBuilder()
                    .setResponse(CommonResponse.newBuilder().setBodyMutation(BodyMutation.newBuilder().setStreamedResponse(streamed)))
                    .build();
            ProcessingResponse.Builder response = ProcessingResponse.newBuilder();
            if (reply.phase.direction() == Direction.REQUEST) {
                response.setRequestBody(body);
            } else {
                response.setResponseBody(body);
            }
            if (out.isEmpty()) {
                addMetadata(response, reply);
            }
            out.add(response.build());
            offset = end;
        } while (offset < chunk.size());
        return out;
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

    private static void addMetadata(ProcessingResponse.Builder response, PhaseReply reply) {
        if (reply.metadata.isEmpty()) {
            return;
        }
        // Each top-level key is a namespace whose value must be a Struct.
        Map<String, Struct.Builder> namespaces = new LinkedHashMap<>();
        for (PhaseReply.MetadataEntry e : reply.metadata) {
            namespaces.computeIfAbsent(e.namespace(), n -> Struct.newBuilder()).putFields(e.key(), e.value());
        }
        Struct.Builder root = Struct.newBuilder();
        namespaces.forEach((ns, struct) -> root.putFields(ns, Value.newBuilder().setStructValue(struct).build()));
        response.setDynamicMetadata(root);
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
