package io.sluice.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Starts the loopback {@link EnrichmentServer} before the test application and points the enrichment stage at it. */
public class EnrichmentServerResource implements QuarkusTestResourceLifecycleManager {

    private EnrichmentServer server;

    @Override
    public Map<String, String> start() {
        server = EnrichmentServer.start();
        return Map.of("test.enrichment.url", server.url());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
