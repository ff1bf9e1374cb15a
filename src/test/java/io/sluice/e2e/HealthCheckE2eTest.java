package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** Envoy's active gRPC health check (Envoy Gateway asks for the ext_proc service name) marks Sluice healthy. */
@QuarkusTest
class HealthCheckE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        startEnvoy("health");
    }

    @Test
    void extProcClusterBecomesHealthy() {
        envoy.awaitClusterHealthy("ext_proc", Duration.ofSeconds(15));
        assertThat(envoy.counterOrZero("cluster.ext_proc.health_check.success")).isPositive();
        assertThat(envoy.counterOrZero("cluster.ext_proc.health_check.failure")).isZero();
    }
}
