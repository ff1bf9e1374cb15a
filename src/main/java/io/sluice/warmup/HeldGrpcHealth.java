package io.sluice.warmup;

import jakarta.enterprise.inject.Vetoed;

import org.eclipse.microprofile.config.ConfigProvider;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;

/**
 * Quarkus' gRPC health, with its SERVING held back until Sluice is warm. Quarkus reports SERVING the moment its gRPC
 * server binds, before any start-up observer of the application runs; an Envoy health check in that moment would take
 * a cold host in. So this takes the place of Quarkus' own store (see {@link HeldGrpcHealthProducer}) and, while held,
 * turns every SERVING into NOT_SERVING. Vetoed as a bean of its own: it would inherit the store's package-private
 * shutdown observer, which a generated observer cannot call from the application's class loader.
 */
@Vetoed
public class HeldGrpcHealth extends GrpcHealthStorage {

    /** Held from the start when the warm-up is on: Quarkus' SERVING comes before any of Sluice's code could run. */
    private volatile boolean held = ConfigProvider.getConfig()
            .getOptionalValue(WarmUpConfig.ENABLED, Boolean.class).orElse(Boolean.TRUE);

    @Override
    public synchronized void setStatus(String service, ServingStatus status) {
        super.setStatus(service, held && status == ServingStatus.SERVING ? ServingStatus.NOT_SERVING : status);
    }

    /** Warm (or given up on): SERVING may show from now on. */
    synchronized void release() {
        held = false;
    }
}
