package io.sluice.config;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.quarkus.test.QuarkusUnitTest;
import io.sluice.testing.StartupFailure;

/** The test profile sets its own URL (application.properties), so the override carries the profile too. */
@StartupFailure
class InvalidEnrichmentUrlTest {

    @RegisterExtension
    static final QuarkusUnitTest SLUICE = BadConfigSupport.sluiceWith("%test.sluice.stage.enrichment.url", "enricher:8080/enrich",
            "sluice.stage.enrichment.url=enricher:8080/enrich is not an absolute http(s) URL");

    @Test
    void startupFailsNamingTheKey() {
        fail("Sluice must not start with sluice.stage.enrichment.url=enricher:8080/enrich");
    }
}
