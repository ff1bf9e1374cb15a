package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

/** A per-pipeline failure policy for a pipeline that does not exist would never apply. */
@StartupFailure
class PolicyForMissingPipelineTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith("sluice.stage.eg-demo.pipeline-on-failure.nope",
            "respond", "sluice.stage.eg-demo.pipeline-on-failure.nope: no pipeline named 'nope'");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start with sluice.stage.eg-demo.pipeline-on-failure.nope=respond");
    }
}
