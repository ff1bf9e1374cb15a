package io.sluice.stagetest;

import java.util.Map;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpTrailers;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProtocolConfiguration;

/** ProcessingRequests as Envoy 1.40 builds them: lower-case keys, values in raw_value only. */
public final class EnvoyMessages {

    private EnvoyMessages() {
    }

    public static HeaderMap headerMap(String... nameValues) {
        HeaderMap.Builder map = HeaderMap.newBuilder();
        for (int i = 0; i < nameValues.length; i += 2) {
            map.addHeaders(HeaderValue.newBuilder().setKey(nameValues[i]).setRawValue(ByteString.copyFromUtf8(nameValues[i + 1])));
        }
        return map.build();
    }

    public static ProcessingRequest requestHeaders(boolean endOfStream, String... extra) {
        String[] base = {":method", "GET", ":path", "/myapp", ":authority", "www.example.com", ":scheme", "http"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return ProcessingRequest.newBuilder()
                .setRequestHeaders(HttpHeaders.newBuilder().setHeaders(headerMap(all)).setEndOfStream(endOfStream))
                .build();
    }

    public static ProcessingRequest requestHeadersForPath(String path, boolean endOfStream) {
        return ProcessingRequest.newBuilder()
                .setRequestHeaders(HttpHeaders.newBuilder().setEndOfStream(endOfStream)
                        .setHeaders(headerMap(":method", "POST", ":path", path, ":authority", "www.example.com", ":scheme", "http")))
                .build();
    }

    /** Headers of a GET without body to {@code authority}. */
    public static ProcessingRequest requestHeadersFor(String authority, String path) {
        return ProcessingRequest.newBuilder()
                .setRequestHeaders(HttpHeaders.newBuilder().setEndOfStream(true)
                        .setHeaders(headerMap(":method", "GET", ":path", path, ":authority", authority, ":scheme", "https")))
                .build();
    }

    /** Request headers of a GET without body (end_of_stream=true), plus extra name/value pairs. */
    public static ProcessingRequest requestHeaders(String... extra) {
        return requestHeaders(true, extra);
    }

    /** Response headers of a response without body. */
    public static ProcessingRequest responseHeaders() {
        return responseHeaders(true);
    }

    public static ProcessingRequest responseHeaders(boolean endOfStream) {
        return ProcessingRequest.newBuilder()
                .setResponseHeaders(HttpHeaders.newBuilder().setHeaders(headerMap(":status", "200", "content-type", "text/plain"))
                        .setEndOfStream(endOfStream))
                .build();
    }

    public static ProcessingRequest requestBody(String chunk, boolean endOfStream) {
        return requestBody(ByteString.copyFromUtf8(chunk), endOfStream);
    }

    public static ProcessingRequest requestBody(ByteString chunk, boolean endOfStream) {
        return ProcessingRequest.newBuilder()
                .setRequestBody(HttpBody.newBuilder().setBody(chunk).setEndOfStream(endOfStream)).build();
    }

    public static ProcessingRequest responseBody(String chunk, boolean endOfStream) {
        return ProcessingRequest.newBuilder()
                .setResponseBody(HttpBody.newBuilder().setBody(ByteString.copyFromUtf8(chunk)).setEndOfStream(endOfStream)).build();
    }

    public static ProcessingRequest requestTrailers(String... nameValues) {
        return ProcessingRequest.newBuilder()
                .setRequestTrailers(HttpTrailers.newBuilder().setTrailers(headerMap(nameValues))).build();
    }

    public static ProcessingRequest responseTrailers(String... nameValues) {
        return ProcessingRequest.newBuilder()
                .setResponseTrailers(HttpTrailers.newBuilder().setTrailers(headerMap(nameValues))).build();
    }

    /** Adds what Envoy puts on the first message of a stream. */
    public static ProcessingRequest first(ProcessingRequest message, BodySendMode requestBody, BodySendMode responseBody) {
        return message.toBuilder().setProtocolConfig(ProtocolConfiguration.newBuilder()
                .setRequestBodyMode(requestBody).setResponseBodyMode(responseBody)).build();
    }

    public static ProcessingRequest withAttributes(ProcessingRequest message, Map<String, String> attributes) {
        Struct.Builder struct = Struct.newBuilder();
        attributes.forEach((k, v) -> struct.putFields(k, Value.newBuilder().setStringValue(v).build()));
        return message.toBuilder().putAttributes("envoy.filters.http.ext_proc", struct.build()).build();
    }

    /** Adds {@code metadata_context.filter_metadata[namespace][key] = value}, as Envoy forwards it. */
    public static ProcessingRequest withMetadata(ProcessingRequest message, String namespace, String key, String value) {
        Struct struct = Struct.newBuilder().putFields(key, Value.newBuilder().setStringValue(value).build()).build();
        return message.toBuilder().setMetadataContext(io.envoyproxy.envoy.config.core.v3.Metadata.newBuilder()
                .putFilterMetadata(namespace, struct)).build();
    }

    public static ProcessingRequest observed(ProcessingRequest message) {
        return message.toBuilder().setObservabilityMode(true).build();
    }

    public static String header(HeaderMutation mutation, String name) {
        return mutation.getSetHeadersList().stream()
                .filter(h -> h.getHeader().getKey().equals(name))
                .map(h -> h.getHeader().getRawValue().toStringUtf8())
                .findFirst().orElse(null);
    }
}
