package io.sluice.transport.uds;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only once the Unix socket accepts connections, when one is configured: in the sidecar pattern Envoy reaches
 * Sluice through it alone, so a pod must not turn Ready before it is bound.
 */
@Readiness
@ApplicationScoped
public class UnixSocketReadiness implements HealthCheck {

    private final UnixSocketServer server;

    public UnixSocketReadiness(UnixSocketServer server) {
        this.server = server;
    }

    @Override
    public HealthCheckResponse call() {
        if (server.path().isEmpty()) {
            return HealthCheckResponse.named("Unix socket").up().withData("path", "none").build();
        }
        return HealthCheckResponse.named("Unix socket").status(server.serving())
                .withData("path", server.path().get().toString()).build();
    }
}
