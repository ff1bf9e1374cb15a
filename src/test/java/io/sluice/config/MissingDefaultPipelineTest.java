package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

@StartupFailure
class MissingDefaultPipelineTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith("sluice.routing.default-pipeline", "absent", "sluice.routing.default-pipeline=absent names no pipeline");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start with sluice.routing.default-pipeline=absent");
    }
}
