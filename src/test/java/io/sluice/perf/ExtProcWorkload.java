package io.sluice.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProtocolConfiguration;

/**
 * What one exchange sends, in Envoy's order, as steps: the messages of a step go out together (a STREAMED body's
 * chunks, as fast as gRPC flow control lets them, without waiting for replies), and the next step starts when every
 * message of this one has its reply (Envoy does not send response headers before the upstream answers, and the
 * upstream does not answer before the request is through).
 */
public record ExtProcWorkload(String name, String description, List<List<ProcessingRequest>> steps,
        Supplier<ProcessingRequest> firstMessage) {

    public ExtProcWorkload(String name, String description, List<List<ProcessingRequest>> steps) {
        this(name, description, steps, () -> steps.get(0).get(0));
    }

    public static final ExtProcWorkload HEADERS_ONLY = new ExtProcWorkload("headers-only",
            "GET: request headers, response headers (2 messages)",
            List.of(List.of(requestHeaders("/myapp", true, BodySendMode.NONE, BodySendMode.NONE)),
                    List.of(responseHeaders(true))));

    /** A JSON API call: 1 KiB each way, both bodies BUFFERED. */
    public static final ExtProcWorkload FOUR_PHASES = new ExtProcWorkload("four-phases",
            "POST 1 KiB, 1 KiB answer, BUFFERED: request headers, request body, response headers, response body (4 messages)",
            List.of(List.of(requestHeaders("/myapp/orders", false, BodySendMode.BUFFERED, BodySendMode.BUFFERED)),
                    List.of(requestBody(ByteString.copyFrom(new byte[1024]), true)),
                    List.of(responseHeaders(false)),
                    List.of(responseBody(ByteString.copyFrom(new byte[1024]), true))));

    public static final int STREAMED_CHUNK = 16 * 1024;
    public static final int STREAMED_BYTES = 1024 * 1024;

    /** An upload: 1 MiB request body STREAMED in Envoy's 16 KiB chunks (66 messages). */
    public static final ExtProcWorkload STREAMED_1MIB = new ExtProcWorkload("streamed-1mib",
            "POST 1 MiB STREAMED in 16 KiB chunks: request headers, 64 body chunks, response headers (66 messages)",
            List.of(List.of(requestHeaders("/myapp/upload", false, BodySendMode.STREAMED, BodySendMode.NONE)),
                    chunks(STREAMED_BYTES, STREAMED_CHUNK),
                    List.of(responseHeaders(true))));

    public static List<ExtProcWorkload> all() {
        return List.of(HEADERS_ONLY, FOUR_PHASES, STREAMED_1MIB);
    }

    public int messages() {
        return steps.stream().mapToInt(List::size).sum();
    }

    /** The same exchange with its first message (request headers) from {@code first}: a path per exchange, say. */
    public ExtProcWorkload withFirstMessage(String name, Supplier<ProcessingRequest> first) {
        return new ExtProcWorkload(name, description, steps, first);
    }

    /** The message to send at {@code index} of {@code step}; the first one comes from {@link #firstMessage}. */
    ProcessingRequest message(int step, int index, ProcessingRequest first) {
        return step == 0 && index == 0 ? first : steps.get(step).get(index);
    }

    /** Whether {@code reply} is the answer Envoy accepts for {@code request} (same phase). */
    public static boolean answers(ProcessingRequest request, ProcessingResponse reply) {
        return switch (request.getRequestCase()) {
            case REQUEST_HEADERS -> reply.hasRequestHeaders();
            case RESPONSE_HEADERS -> reply.hasResponseHeaders();
            case REQUEST_BODY -> reply.hasRequestBody();
            case RESPONSE_BODY -> reply.hasResponseBody();
            case REQUEST_TRAILERS -> reply.hasRequestTrailers();
            case RESPONSE_TRAILERS -> reply.hasResponseTrailers();
            default -> false;
        };
    }

    /** Request headers as Envoy sends them for a curl request of {@code path}, with the filter's body modes. */
    public static ProcessingRequest requestHeaders(String path, boolean endOfStream, BodySendMode requestBody,
            BodySendMode responseBody) {
        return ProcessingRequest.newBuilder()
                .setRequestHeaders(HttpHeaders.newBuilder().setEndOfStream(endOfStream).setHeaders(headers(
                        ":method", endOfStream ? "GET" : "POST", ":path", path, ":authority", "www.example.com",
                        ":scheme", "http", "user-agent", "curl/8.5.0", "accept", "*/*", "x-forwarded-proto", "http",
                        "x-request-id", "6f1c6f5e-2f1d-4a52-9d4e-2f1f3c9a2b10")))
                .setProtocolConfig(ProtocolConfiguration.newBuilder().setRequestBodyMode(requestBody)
                        .setResponseBodyMode(responseBody))
                .build();
    }

    static ProcessingRequest responseHeaders(boolean endOfStream) {
        return ProcessingRequest.newBuilder()
                .setResponseHeaders(HttpHeaders.newBuilder().setEndOfStream(endOfStream).setHeaders(headers(
                        ":status", "200", "content-type", "application/json", "content-length", "1024",
                        "date", "Fri, 14 Jun 2024 19:30:40 GMT")))
                .build();
    }

    static ProcessingRequest requestBody(ByteString bytes, boolean endOfStream) {
        return ProcessingRequest.newBuilder().setRequestBody(HttpBody.newBuilder().setBody(bytes).setEndOfStream(endOfStream))
                .build();
    }

    static ProcessingRequest responseBody(ByteString bytes, boolean endOfStream) {
        return ProcessingRequest.newBuilder().setResponseBody(HttpBody.newBuilder().setBody(bytes).setEndOfStream(endOfStream))
                .build();
    }

    /** One shared chunk message per position: the generator allocates nothing per exchange. */
    private static List<ProcessingRequest> chunks(int total, int chunk) {
        byte[] bytes = new byte[chunk];
        for (int i = 0; i < chunk; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        ByteString data = ByteString.copyFrom(bytes);
        List<ProcessingRequest> out = new ArrayList<>();
        for (int sent = 0; sent < total; sent += chunk) {
            out.add(requestBody(data, sent + chunk >= total));
        }
        return List.copyOf(out);
    }

    private static HeaderMap headers(String... nv) {
        HeaderMap.Builder map = HeaderMap.newBuilder();
        for (int i = 0; i < nv.length; i += 2) {
            map.addHeaders(HeaderValue.newBuilder().setKey(nv[i]).setRawValue(ByteString.copyFromUtf8(nv[i + 1])));
        }
        return map.build();
    }
}
