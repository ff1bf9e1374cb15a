package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;

class ZeroEventLoopsTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith(Map.of("sluice.transport.event-loops", "0"), "sluice.transport.event-loops=0 must be between 1 and");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start: no event loop serves no connection");
    }
}
