package io.sluice.lifecycle;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.sluice.transport.health.GrpcHealth;

/**
 * Turns Sluice's gRPC health ({@code grpc.health.v1}, {@link GrpcHealth}) to NOT_SERVING or back to SERVING for every service it reports,
 * the whole server ({@code ""}) included: NOT_SERVING while Sluice warms up after start, SERVING once it is warm, and
 * NOT_SERVING for good once a shutdown has begun. Envoy's active gRPC health check (Envoy Gateway asks for {@code ""})
 * then keeps or takes this host out of its ext_proc cluster. The same statuses feed the readiness check "gRPC Server",
 * so {@code /q/health/ready} agrees.
 */
@ApplicationScoped
public class GrpcHealthSwitch {

    private final GrpcHealth health;
    /** Guarded by this: a warm-up that ends during a shutdown must not report SERVING again. */
    private boolean shuttingDown;

    public GrpcHealthSwitch(GrpcHealth health) {
        this.health = health;
    }

    /** Shutdown: NOT_SERVING from now on. Returns the services switched. */
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
        return health.set(status);
    }
}
