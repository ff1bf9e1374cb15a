package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

/** A call that may outlast Envoy's message timer, with no override allowed, would turn into Envoy's 504s. */
@StartupFailure
class EnrichmentTimeoutBeyondEnvoysTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith("sluice.stage.enrichment.timeout", "500ms",
            "sluice.stage.enrichment.timeout=PT0.5S", "sluice.exchange.envoy-message-timeout=PT0.2S",
            "sluice.exchange.max-message-timeout");

    @Test
    void startupFailsNamingTheKeys() {
        fail("Sluice must not start with sluice.stage.enrichment.timeout=500ms against Envoy's 200 ms");
    }
}
