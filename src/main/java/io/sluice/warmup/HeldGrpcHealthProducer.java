package io.sluice.warmup;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.Unremovable;

/**
 * Puts {@link HeldGrpcHealth} where Quarkus looks up its gRPC health store: an alternative of the same type, which
 * Quarkus' server start, its {@code grpc.health.v1} service and its "gRPC Server" readiness check all resolve.
 * Checked by {@code WarmUpReadinessTest}: a Quarkus upgrade that stops resolving it fails the build.
 */
@Singleton
public class HeldGrpcHealthProducer {

    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    @Unremovable
    HeldGrpcHealth heldGrpcHealth() {
        return new HeldGrpcHealth();
    }
}
