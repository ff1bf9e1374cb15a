package io.sluice.enrichment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Value;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.sluice.enrichment.v1.EnrichRequest;
import io.sluice.enrichment.v1.EnrichResponse;
import io.sluice.enrichment.v1.MutinyEnrichmentGrpc;

/** The gRPC transport: {@code sluice.enrichment.v1.Enrichment/Enrich} over one plaintext HTTP/2 channel. */
final class GrpcEnrichmentClient implements EnrichmentClient {

    private final ManagedChannel channel;
    private final MutinyEnrichmentGrpc.MutinyEnrichmentStub stub;
    private final String target;

    GrpcEnrichmentClient(String host, int port) {
        this.channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
        this.stub = MutinyEnrichmentGrpc.newMutinyStub(channel);
        this.target = host + ":" + port;
    }

    /** The HTTP/2 connection, opened without a call ({@code getState(true)}); ends once it is READY. */
    @Override
    public Uni<Void> connect() {
        return Uni.createFrom().emitter(emitter -> awaitReady(channel.getState(true), emitter));
    }

    private void awaitReady(ConnectivityState state, UniEmitter<? super Void> emitter) {
        switch (state) {
            case READY -> emitter.complete(null);
            case TRANSIENT_FAILURE, SHUTDOWN -> emitter.fail(new IllegalStateException("the gRPC channel to " + target
                    + " is " + state));
            default -> channel.notifyWhenStateChanged(state, () -> awaitReady(channel.getState(false), emitter));
        }
    }

    @Override
    public Uni<EnrichmentAnswer> enrich(EnrichmentQuery query) {
        EnrichRequest request = EnrichRequest.newBuilder()
                .setMethod(query.method()).setPath(query.path()).setAuthority(query.authority())
                .putAllHeaders(query.headers()).putAllAttributes(query.attributes()).build();
        return stub.enrich(request).map(GrpcEnrichmentClient::answer);
    }

    static EnrichmentAnswer answer(EnrichResponse response) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, Value> field : response.getMetadata().getFieldsMap().entrySet()) {
            metadata.put(field.getKey(), field.getValue());
        }
        EnrichmentAnswer.Deny deny = response.hasDeny() ? new EnrichmentAnswer.Deny(response.getDeny().getStatus(),
                response.getDeny().getBody(), response.getDeny().getHeadersMap()) : null;
        return new EnrichmentAnswer(response.getHeadersMap(), metadata, deny).validated();
    }

    @Override
    public void close() {
        channel.shutdown();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
