package io.sluice.warmup;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * {@code /q/health/ready} stays DOWN while Sluice warms up, whatever gRPC health says (Quarkus' "gRPC Server" check
 * follows gRPC health, which the warm-up holds at NOT_SERVING too, unless gRPC health is off). The check's data says
 * how the warm-up went: {@code warming}, {@code warm}, {@code not-warm} (the cap passed, or the port refused the
 * warm-up client) or {@code off}.
 */
@Readiness
@ApplicationScoped
public class WarmUpReadiness implements HealthCheck {

    private volatile String state = "warming";
    private volatile boolean done;

    void warming() {
        done = false;
        state = "warming";
    }

    void done(String how) {
        state = how;
        done = true;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Warm-up").status(done).withData("state", state).build();
    }
}
