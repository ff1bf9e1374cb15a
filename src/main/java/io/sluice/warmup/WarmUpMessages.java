package io.sluice.warmup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProtocolConfiguration;

/**
 * The messages of one warm-up exchange, as Envoy 1.40's ext_proc filter sends them (lower-case header names, values in
 * {@code raw_value}, {@code protocol_config} on the first message, attributes at the top level), in steps: the
 * messages of a step go out together (a STREAMED body's chunks), the next step once they are all answered.
 */
final class WarmUpMessages {

    /** The two exchanges every pipeline gets: headers only, and STREAMED bodies both ways. */
    enum Shape {
        HEADERS_ONLY, STREAMED_BODIES
    }

    /** Three chunks each way, as Envoy cuts a body it streams; JSON, the most common body the stages look into. */
    private static final List<ByteString> BODY = chunks("{\"sluice\":\"warm-up\",\"items\":["
            + "{\"id\":1,\"name\":\"first\",\"password\":\"not-a-secret\",\"text\":\"" + "a".repeat(1500) + "\"},"
            + "{\"id\":2,\"name\":\"second\",\"password\":\"not-a-secret\",\"text\":\"" + "b".repeat(1500) + "\"},"
            + "{\"id\":3,\"name\":\"third\",\"password\":\"not-a-secret\",\"text\":\"" + "c".repeat(1500) + "\"}]}", 3);

    private WarmUpMessages() {
    }

    static List<List<ProcessingRequest>> steps(WarmUpRoute route, Shape shape) {
        boolean bodies = shape == Shape.STREAMED_BODIES;
        BodySendMode mode = bodies ? BodySendMode.STREAMED : BodySendMode.NONE;
        List<List<ProcessingRequest>> steps = new ArrayList<>();
        steps.add(List.of(attributed(route, ProcessingRequest.newBuilder()
                .setRequestHeaders(HttpHeaders.newBuilder().setEndOfStream(!bodies).setHeaders(requestHeaders(route, bodies)))
                .setProtocolConfig(ProtocolConfiguration.newBuilder().setRequestBodyMode(mode).setResponseBodyMode(mode)))));
        if (bodies) {
            steps.add(body(true));
        }
        steps.add(List.of(attributed(route, ProcessingRequest.newBuilder()
                .setResponseHeaders(HttpHeaders.newBuilder().setEndOfStream(!bodies).setHeaders(responseHeaders(bodies))))));
        if (bodies) {
            steps.add(body(false));
        }
        return List.copyOf(steps);
    }

    private static HeaderMap requestHeaders(WarmUpRoute route, boolean body) {
        List<String> nv = new ArrayList<>(List.of(":method", body ? "POST" : "GET", ":path", route.path(),
                ":authority", route.authority(), ":scheme", "http", "user-agent", "sluice-warm-up", "accept", "*/*",
                "x-forwarded-proto", "http", "x-request-id", "00000000-0000-4000-8000-000000000000"));
        if (body) {
            nv.addAll(List.of("content-type", "application/json", "content-length", Integer.toString(bodyBytes())));
        }
        return headers(nv);
    }

    private static HeaderMap responseHeaders(boolean body) {
        List<String> nv = new ArrayList<>(List.of(":status", "200", "content-type", "application/json",
                "date", "Thu, 01 Jan 2026 00:00:00 GMT"));
        if (body) {
            nv.addAll(List.of("content-length", Integer.toString(bodyBytes())));
        }
        return headers(nv);
    }

    /** Envoy sends the filter's attributes with the first message of each direction. */
    private static ProcessingRequest attributed(WarmUpRoute route, ProcessingRequest.Builder message) {
        route.routeName().ifPresent(name -> message.putAttributes("envoy.filters.http.ext_proc", Struct.newBuilder()
                .putFields("xds.route_name", Value.newBuilder().setStringValue(name).build()).build()));
        return message.build();
    }

    private static List<ProcessingRequest> body(boolean request) {
        List<ProcessingRequest> chunks = new ArrayList<>();
        for (int i = 0; i < BODY.size(); i++) {
            HttpBody chunk = HttpBody.newBuilder().setBody(BODY.get(i)).setEndOfStream(i == BODY.size() - 1).build();
            chunks.add(request ? ProcessingRequest.newBuilder().setRequestBody(chunk).build()
                    : ProcessingRequest.newBuilder().setResponseBody(chunk).build());
        }
        return List.copyOf(chunks);
    }

    private static int bodyBytes() {
        return BODY.stream().mapToInt(ByteString::size).sum();
    }

    private static HeaderMap headers(List<String> nameValues) {
        HeaderMap.Builder map = HeaderMap.newBuilder();
        for (int i = 0; i < nameValues.size(); i += 2) {
            map.addHeaders(HeaderValue.newBuilder().setKey(nameValues.get(i))
                    .setRawValue(ByteString.copyFromUtf8(nameValues.get(i + 1))));
        }
        return map.build();
    }

    private static List<ByteString> chunks(String text, int count) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<ByteString> chunks = new ArrayList<>();
        int size = (bytes.length + count - 1) / count;
        for (int from = 0; from < bytes.length; from += size) {
            chunks.add(ByteString.copyFrom(bytes, from, Math.min(size, bytes.length - from)));
        }
        return List.copyOf(chunks);
    }
}
