package io.sluice.transport.health;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.ConfigProvider;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.grpc.BindableService;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;

/**
 * gRPC health ({@code grpc.health.v1}) of Sluice's listeners, for the whole server ({@code ""}, what Envoy Gateway's
 * active health check asks for) and for the ext_proc service: grpc-java's {@link HealthStatusManager}, served by the TCP
 * and the Unix-socket listener alike.
 * <p>
 * While held (from the start when the warm-up is on) a SERVING is reported as NOT_SERVING: a health check must not take
 * a cold host in. The warm-up releases it once Sluice is warm or has given up.
 */
@ApplicationScoped
public class GrpcHealth {

    /** What Envoy Gateway asks for, and the ext_proc service by its full name. */
    public static final List<String> SERVICES = List.of(HealthStatusManager.SERVICE_NAME_ALL_SERVICES,
            ExternalProcessorGrpc.SERVICE_NAME);

    private final HealthStatusManager manager = new HealthStatusManager();
    /** Guarded by this. */
    private boolean held = ConfigProvider.getConfig().getOptionalValue("sluice.warm-up.enabled", Boolean.class)
            .orElse(Boolean.TRUE);
    /** Guarded by this: what was last asked for, before the hold. */
    private ServingStatus wanted = ServingStatus.SERVING;

    public GrpcHealth() {
        apply();
    }

    /** The {@code grpc.health.v1.Health} service, for a listener to serve. */
    public BindableService service() {
        return manager.getHealthService();
    }

    /** Sets every service's status; returns the services set. */
    public synchronized List<String> set(ServingStatus status) {
        wanted = status;
        apply();
        return SERVICES;
    }

    /** Warm (or given up on): SERVING may show from now on. */
    public synchronized void release() {
        held = false;
        apply();
    }

    /** The whole server's status as a client sees it. */
    public synchronized ServingStatus status() {
        return shown();
    }

    private ServingStatus shown() {
        return held && wanted == ServingStatus.SERVING ? ServingStatus.NOT_SERVING : wanted;
    }

    private void apply() {
        ServingStatus status = shown();
        SERVICES.forEach(service -> manager.setStatus(service, status));
    }
}
