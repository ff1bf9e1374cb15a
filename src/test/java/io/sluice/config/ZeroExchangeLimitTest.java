package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

@StartupFailure
class ZeroExchangeLimitTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith(Map.of("sluice.overload.max-exchanges", "0"), "sluice.overload.max-exchanges=0 must be at least 1");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start: a limit of 0 exchanges refuses everything");
    }
}
