package io.sluice.lifecycle;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;

/**
 * Turns Quarkus' gRPC health ({@code grpc.health.v1}) to NOT_SERVING for every service it reports, the whole server
 * ({@code ""}) included. Quarkus itself never does this on shutdown; Envoy's active gRPC health check (Envoy Gateway
 * asks for {@code envoy.service.ext_proc.v3.ExternalProcessor}) then takes this host out of its ext_proc cluster.
 * The same statuses feed the SmallRye readiness check "gRPC Server", so {@code /q/health/ready} agrees.
 */
@ApplicationScoped
public class GrpcHealthSwitch {

    private final Instance<GrpcHealthStorage> storage;

    public GrpcHealthSwitch(Instance<GrpcHealthStorage> storage) {
        this.storage = storage;
    }

    /** Returns the services switched, empty when gRPC health is disabled. */
    public List<String> notServing() {
        if (!storage.isResolvable()) {
            return List.of();
        }
        GrpcHealthStorage health = storage.get();
        List<String> services = List.copyOf(health.getStatuses().keySet());
        services.forEach(service -> health.setStatus(service, ServingStatus.NOT_SERVING));
        return services;
    }
}
