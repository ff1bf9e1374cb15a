package io.sluice.perf;

import java.io.IOException;

import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.BodyResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.TrailersResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * The baseline: the smallest grpc-java ext_proc handler that does what Sluice's default pipeline does to headers
 * (one tag header and one dynamic metadata entry per headers message, as the {@code eg-demo} stage) and passes bodies
 * and trailers through, with no pipeline, no protocol checks, no flow-control bridge and no metrics. The metadata is
 * built once, as the cheapest hand-written handler would: protobuf still serializes it with every reply. Run in a JVM of its own ({@link #main}) with the same options as Sluice, so
 * CPU, heap and RSS compare like with like.
 */
public final class BaselineExtProcServer {

    /** The line {@link #main} prints once it serves; the port follows. */
    public static final String LISTENING = "baseline ext_proc listening on ";

    private static final ProcessingResponse REQUEST_BODY = ProcessingResponse.newBuilder()
            .setRequestBody(BodyResponse.getDefaultInstance()).build();
    private static final ProcessingResponse RESPONSE_BODY = ProcessingResponse.newBuilder()
            .setResponseBody(BodyResponse.getDefaultInstance()).build();
    private static final ProcessingResponse REQUEST_TRAILERS = ProcessingResponse.newBuilder()
            .setRequestTrailers(TrailersResponse.getDefaultInstance()).build();
    private static final ProcessingResponse RESPONSE_TRAILERS = ProcessingResponse.newBuilder()
            .setResponseTrailers(TrailersResponse.getDefaultInstance()).build();

    /** What the eg-demo stage emits on each headers message, with its default namespace and request cost. */
    private static final Struct REQUEST_METADATA = metadata("ext-proc-emitted-metadata",
            Value.newBuilder().setStringValue("received").build());
    private static final Struct RESPONSE_METADATA = metadata("request_cost_set_by_ext_proc",
            Value.newBuilder().setNumberValue(10).build());

    private final Server server;

    private BaselineExtProcServer(int port) throws IOException {
        // directExecutor: the handler never blocks, so it runs on the transport threads like Sluice's does,
        // instead of paying a thread hand-off per message on grpc-java's default pool.
        server = NettyServerBuilder.forPort(port).directExecutor().addService(ExternalProcessorGrpc.bindService(new ExternalProcessorGrpc.AsyncService() {
            @Override
            public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> out) {
                return new StreamObserver<>() {
                    @Override
                    public void onNext(ProcessingRequest request) {
                        out.onNext(reply(request));
                    }

                    @Override
                    public void onError(Throwable t) {
                    }

                    @Override
                    public void onCompleted() {
                        out.onCompleted();
                    }
                };
            }
        })).build().start();
    }

    /** The reply to one message: what {@code BaselineParityTest} holds against the eg-demo pipeline's. */
    static ProcessingResponse reply(ProcessingRequest request) {
        return switch (request.getRequestCase()) {
            case REQUEST_HEADERS -> ProcessingResponse.newBuilder()
                    .setRequestHeaders(tag("x-request-ext-processed"))
                    .setDynamicMetadata(REQUEST_METADATA).build();
            case RESPONSE_HEADERS -> ProcessingResponse.newBuilder()
                    .setResponseHeaders(tag("x-response-ext-processed"))
                    .setDynamicMetadata(RESPONSE_METADATA).build();
            case REQUEST_BODY -> REQUEST_BODY;
            case RESPONSE_BODY -> RESPONSE_BODY;
            case REQUEST_TRAILERS -> REQUEST_TRAILERS;
            case RESPONSE_TRAILERS -> RESPONSE_TRAILERS;
            default -> throw new IllegalStateException("baseline got " + request.getRequestCase());
        };
    }

    private static HeadersResponse tag(String name) {
        return HeadersResponse.newBuilder().setResponse(CommonResponse.newBuilder().setHeaderMutation(
                HeaderMutation.newBuilder().addSetHeaders(HeaderValueOption.newBuilder()
                        .setHeader(HeaderValue.newBuilder().setKey(name).setRawValue(ByteString.copyFromUtf8("true")))
                        .setAppend(BoolValue.of(false))))).build();
    }

    private static Struct metadata(String key, Value value) {
        return Struct.newBuilder().putFields("io.envoyproxy.gateway.e2e", Value.newBuilder()
                .setStructValue(Struct.newBuilder().putFields(key, value)).build()).build();
    }

    public int port() {
        return server.getPort();
    }

    /** {@code java -cp <test classpath> io.sluice.perf.BaselineExtProcServer [port]}; serves until killed. */
    public static void main(String[] args) throws Exception {
        BaselineExtProcServer server = new BaselineExtProcServer(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        System.out.println(LISTENING + server.port());
        System.out.flush();
        server.server.awaitTermination();
    }
}
