package io.sluice.transport;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.sluice.transport.health.GrpcHealth;

/**
 * Ready only while the gRPC port accepts connections and its gRPC health says SERVING, so that {@code /q/health/ready}
 * and Envoy's gRPC health check agree: both are DOWN while Sluice warms up and from the start of a shutdown.
 */
@Readiness
@ApplicationScoped
public class GrpcServerReadiness implements HealthCheck {

    private final TcpServer server;
    private final GrpcHealth health;

    public GrpcServerReadiness(TcpServer server, GrpcHealth health) {
        this.server = server;
        this.health = health;
    }

    @Override
    public HealthCheckResponse call() {
        ServingStatus status = health.status();
        return HealthCheckResponse.named("gRPC Server")
                .status(server.serving() && status == ServingStatus.SERVING)
                .withData("port", server.port())
                .withData("health", status.name()).build();
    }
}
