package io.sluice.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HeaderMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.HeadersResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * The baseline: the smallest grpc-java ext_proc handler that answers headers the way the demo stage does
 * (one tag header per headers message), with no pipeline, no protocol checks and no flow-control bridge.
 */
final class BaselineExtProcServer implements AutoCloseable {

    private final Server server;

    BaselineExtProcServer() throws IOException {
        // directExecutor: the handler never blocks, so it runs on the transport threads like Sluice's does,
        // instead of paying a thread hand-off per message on grpc-java's default pool.
        server = NettyServerBuilder.forPort(0).directExecutor().addService(new ExternalProcessorGrpc.ExternalProcessorImplBase() {
            @Override
            public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> out) {
                return new StreamObserver<>() {
                    @Override
                    public void onNext(ProcessingRequest request) {
                        switch (request.getRequestCase()) {
                            case REQUEST_HEADERS -> out.onNext(ProcessingResponse.newBuilder()
                                    .setRequestHeaders(tag("x-request-ext-processed")).build());
                            case RESPONSE_HEADERS -> out.onNext(ProcessingResponse.newBuilder()
                                    .setResponseHeaders(tag("x-response-ext-processed")).build());
                            default -> throw new IllegalStateException("headers-only baseline got " + request.getRequestCase());
                        }
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
        }).build().start();
    }

    private static HeadersResponse tag(String name) {
        return HeadersResponse.newBuilder().setResponse(CommonResponse.newBuilder().setHeaderMutation(
                HeaderMutation.newBuilder().addSetHeaders(HeaderValueOption.newBuilder()
                        .setHeader(HeaderValue.newBuilder().setKey(name).setRawValue(ByteString.copyFromUtf8("true")))
                        .setAppend(BoolValue.of(false))))).build();
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
