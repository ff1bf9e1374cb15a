package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

@StartupFailure
class EmptyPipelineTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith("sluice.pipelines.default.stages", ",", "sluice.pipelines.default.stages");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start with sluice.pipelines.default.stages=,");
    }
}
