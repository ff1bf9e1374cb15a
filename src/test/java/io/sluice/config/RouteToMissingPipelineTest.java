package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

@StartupFailure
class RouteToMissingPipelineTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith("sluice.routing.path-prefix.\"/api\"", "nowhere", "sluice.routing.path-prefix.\"/api\"=nowhere names no pipeline");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start with sluice.routing.path-prefix.\"/api\"=nowhere");
    }
}
