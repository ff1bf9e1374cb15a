package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

/** A stage key that maps to nothing would otherwise leave the stage on its default, silently. */
@StartupFailure
class MisspeltStageKeyTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith("sluice.stage.body-limit.max-requst-bytes", "1",
            "sluice.stage.body-limit.max-requst-bytes", "does not map to any root");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start with a misspelt stage key");
    }
}
