package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

/** The upper bound of sluice.transport.event-loops depends on Vert.x's own (ConfigBoundsTest covers 0). */
@StartupFailure
class EventLoopsBeyondVertxTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith(
            Map.of("sluice.transport.event-loops", "4", "quarkus.vertx.event-loops-pool-size", "2"),
            "sluice.transport.event-loops=4 must be between 1 and 2", "quarkus.vertx.event-loops-pool-size");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start with more gRPC event loops than the Vert.x event loops they are taken from");
    }
}
