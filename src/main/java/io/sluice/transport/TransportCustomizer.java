package io.sluice.transport;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.grpc.VertxServerBuilder;

/** Hands {@link TransportSettings} to the grpc-java Netty server behind Quarkus' separate gRPC server. */
@ApplicationScoped
public class TransportCustomizer implements ServerBuilderCustomizer<VertxServerBuilder> {

    private final TransportSettings settings;

    public TransportCustomizer(TransportSettings settings) {
        this.settings = settings;
    }

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        settings.apply(builder.nettyBuilder());
    }
}
