package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

/** Enrichment's old fail-closed is the stage vocabulary's respond now: the old value must not start, nor mean open. */
@StartupFailure
class OldFailurePolicyValueTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith("sluice.stage.enrichment.on-failure", "fail-closed",
            "sluice.stage.enrichment.on-failure=fail-closed", "fail-closed is now respond");

    @Test
    void startupFailsNamingTheReplacement() {
        fail("Sluice must not start with sluice.stage.enrichment.on-failure=fail-closed");
    }
}
