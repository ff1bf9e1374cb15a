package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

/** Before ConfigBounds, this started, reported ready, and then ended every exchange with RESOURCE_EXHAUSTED. */
@StartupFailure
class NegativeMessageLimitTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith("sluice.exchange.max-message-bytes", "-5",
            "sluice.exchange.max-message-bytes=-5 must be at least 1");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start with sluice.exchange.max-message-bytes=-5");
    }
}
