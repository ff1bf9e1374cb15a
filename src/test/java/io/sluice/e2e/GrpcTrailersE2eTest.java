package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.sluice.testing.EnvoyLauncher;

/**
 * An HTTP/2 downstream with trailers: a gRPC call through Envoy to a gRPC upstream (Sluice's own health
 * service), with response trailers sent to the processor and tagged by a stage.
 */
@QuarkusTest
class GrpcTrailersE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        warmUpSluice();
        envoy = EnvoyLauncher.start("e2e-grpc-trailers", "envoy/grpc-trailers.yaml", Map.of(
                "SLUICE_GRPC_PORT", Integer.toString(sluiceGrpcPort()),
                "UPSTREAM_PORT", Integer.toString(sluiceGrpcPort()),
                "LISTEN_PORT", "0",
                "ADMIN_PORT", "0"));
    }

    @Test
    void responseTrailersReachTheProcessorAndItsMutationReachesTheClient() throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", envoyPort()).usePlaintext().build();
        try {
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            HealthCheckResponse response = HealthGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
                    .check(HealthCheckRequest.newBuilder().setService("envoy.service.ext_proc.v3.ExternalProcessor").build());
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            assertThat(trailers.get().get(Metadata.Key.of("x-sluice-trailer", Metadata.ASCII_STRING_MARSHALLER)))
                    .isEqualTo("seen grpc-status 0");
            assertThat(headers.get().get(Metadata.Key.of("x-response-ext-processed", Metadata.ASCII_STRING_MARSHALLER)))
                    .isNull();
            assertThat(extProcCounter("spurious_msgs_received")).isZero();
            assertThat(extProcCounter("streams_failed")).isZero();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
