package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

@StartupFailure
class ExchangeLimitBeyondDirectMemoryTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith(Map.of("sluice.overload.max-exchanges", "100000"), "sluice.overload.max-exchanges x sluice.transport.stream-window x 2.0 + sluice.overload.max-held-bytes = 100000 x 65536 x 2.0 + 33554432");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start: waiting bodies must fit the JVM's direct memory");
    }
}
