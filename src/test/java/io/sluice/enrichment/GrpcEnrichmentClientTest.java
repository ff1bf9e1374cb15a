package io.sluice.enrichment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import io.grpc.Attributes;
import io.grpc.Server;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.sluice.enrichment.v1.Deny;
import io.sluice.enrichment.v1.EnrichRequest;
import io.sluice.enrichment.v1.EnrichResponse;
import io.sluice.enrichment.v1.EnrichmentGrpc;

/** The gRPC transport against a real grpc-java enrichment service on loopback. */
class GrpcEnrichmentClientTest {

    Server server;
    GrpcEnrichmentClient client;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
                .addTransportFilter(new ServerTransportFilter() {
                    @Override
                    public Attributes transportReady(Attributes attributes) {
                        connections.incrementAndGet();
                        return attributes;
                    }
                })
                .addService(EnrichmentGrpc.bindService(new EnrichmentGrpc.AsyncService() {
                    @Override
                    public void enrich(EnrichRequest request, StreamObserver<EnrichResponse> answer) {
                        calls.incrementAndGet();
                        switch (request.getPath()) {
                            case "/deny" -> answer.onNext(EnrichResponse.newBuilder().setDeny(Deny.newBuilder()
                                    .setStatus(403).setBody("no").putHeaders("x-why", "policy")).build());
                            case "/bad-status" -> answer.onNext(EnrichResponse.newBuilder()
                                    .setDeny(Deny.newBuilder().setStatus(42)).build());
                            case "/down" -> {
                                answer.onError(Status.UNAVAILABLE.withDescription("maintenance").asRuntimeException());
                                return;
                            }
                            default -> answer.onNext(EnrichResponse.newBuilder()
                                    .putHeaders("x-tenant", request.getHeadersOrDefault("x-user", "?") + "@" + request.getAuthority())
                                    .setMetadata(Struct.newBuilder()
                                            .putFields("tier", Value.newBuilder().setStringValue("gold").build())
                                            .putFields("route", Value.newBuilder()
                                                    .setStringValue(request.getAttributesOrDefault("xds.route_name", "")).build()))
                                    .build());
                        }
                        answer.onCompleted();
                    }
                })).build().start();
        client = new GrpcEnrichmentClient("127.0.0.1", server.getPort());
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    EnrichmentAnswer ask(String path) {
        return client.enrich(new EnrichmentQuery("GET", path, "shop.example.com", Map.of("x-user", "bob"),
                Map.of("xds.route_name", "r1"))).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void connectOpensTheChannelBeforeTheFirstCallWithoutSendingOne() {
        client.connect().await().atMost(Duration.ofSeconds(5));
        // The server sees the transport once the client's SETTINGS arrive, which may be just after the client is READY.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> connections.get() == 1);
        assertThat(calls.get()).isZero();
        ask("/ok");
        assertThat(connections.get()).as("the call used the connection already open").isEqualTo(1);
    }

    @Test
    void connectFailsWhenNothingListens() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        GrpcEnrichmentClient nowhere = new GrpcEnrichmentClient("127.0.0.1", closed);
        try {
            assertThat(catchThrowable(() -> nowhere.connect().await().atMost(Duration.ofSeconds(10))))
                    .hasMessageContaining("127.0.0.1:" + closed + " is TRANSIENT_FAILURE");
        } finally {
            nowhere.close();
        }
    }

    @Test
    void factsGoOutAndHeadersAndMetadataComeBack() {
        EnrichmentAnswer answer = ask("/ok");
        assertThat(answer.headers()).containsEntry("x-tenant", "bob@shop.example.com");
        assertThat(MetadataValues.of(answer.metadata().get("tier")).getStringValue()).isEqualTo("gold");
        assertThat(MetadataValues.of(answer.metadata().get("route")).getStringValue()).isEqualTo("r1");
        assertThat(answer.deny()).isNull();
    }

    @Test
    void aDenialKeepsStatusBodyAndHeaders() {
        EnrichmentAnswer.Deny deny = ask("/deny").deny();
        assertThat(deny.status()).isEqualTo(403);
        assertThat(deny.body()).isEqualTo("no");
        assertThat(deny.headers()).containsEntry("x-why", "policy");
    }

    @Test
    void aDenyStatusEnvoyWouldRefuseIsAnInvalidAnswer() {
        Throwable failure = catchThrowable(() -> ask("/bad-status"));
        assertThat(EnrichmentFailure.of(failure).outcome()).isEqualTo(EnrichmentMetrics.Outcome.INVALID_ANSWER);
        assertThat(EnrichmentFailure.of(failure).reason()).contains("deny.status 42 is outside 200..599");
    }

    @Test
    void aGrpcErrorIsAnErrorNamingTheStatus() {
        Throwable failure = catchThrowable(() -> ask("/down"));
        assertThat(EnrichmentFailure.of(failure).outcome()).isEqualTo(EnrichmentMetrics.Outcome.ERROR);
        assertThat(EnrichmentFailure.of(failure).reason()).isEqualTo("service answered gRPC UNAVAILABLE: maintenance");
    }
}
