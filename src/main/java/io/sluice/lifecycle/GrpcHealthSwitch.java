package io.sluice.lifecycle;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;

/**
 * Turns Quarkus' gRPC health ({@code grpc.health.v1}) to NOT_SERVING or back to SERVING for every service it reports,
 * the whole server ({@code ""}) included: NOT_SERVING while Sluice warms up after start, SERVING once it is warm, and
 * NOT_SERVING for good once a shutdown has begun. Quarkus itself reports SERVING from the moment its server binds and
 * to the very end; Envoy's active gRPC health check (Envoy Gateway asks for {@code ""}) then keeps or takes this host
 * out of its ext_proc cluster. The same statuses feed the SmallRye readiness check "gRPC Server", so
 * {@code /q/health/ready} agrees.
 */
@ApplicationScoped
public class GrpcHealthSwitch {

    private final Instance<GrpcHealthStorage> storage;
    /** Guarded by this: a warm-up that ends during a shutdown must not report SERVING again. */
    private boolean shuttingDown;

    public GrpcHealthSwitch(Instance<GrpcHealthStorage> storage) {
        this.storage = storage;
    }

    /** Shutdown: NOT_SERVING from now on. Returns the services switched, empty when gRPC health is disabled. */
    public synchronized List<String> notServing() {
        shuttingDown = true;
        return set(ServingStatus.NOT_SERVING);
    }

    /** Not warm yet: NOT_SERVING until {@link #serving()}. */
    public synchronized List<String> notServingYet() {
        return set(ServingStatus.NOT_SERVING);
    }

    /** Warm: SERVING, unless a shutdown has begun (then nothing changes and the list is empty). */
    public synchronized List<String> serving() {
        return shuttingDown ? List.of() : set(ServingStatus.SERVING);
    }

    private List<String> set(ServingStatus status) {
        if (!storage.isResolvable()) {
            return List.of();
        }
        GrpcHealthStorage health = storage.get();
        List<String> services = List.copyOf(health.getStatuses().keySet());
        services.forEach(service -> health.setStatus(service, status));
        return services;
    }
}
