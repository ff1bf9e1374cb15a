package io.sluice.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The warm-up on, as in production, in a configuration profile of its own: the {@code test} profile's pipelines
 * include deliberately slow and stalling stages that no warm-up could ever pass within its target. Three pipelines,
 * each reached by another kind of routing rule, all starting with the {@code warm-up-probe} stage, which holds the
 * warm-up back until the test releases it.
 */
public class WarmUpOnProfile implements QuarkusTestProfile {

    public static final String ENRICHED_AUTHORITY = "enriched.example.com";
    public static final String ROUTE_NAME = "httproute/default/warm/rule/0/match/0/www_example_com";

    @Override
    public String getConfigProfile() {
        return "warm-up-test";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("sluice.warm-up.enabled", "true"),
                // Longer than the test holds it back, so that only the release ends the warm-up.
                Map.entry("sluice.warm-up.max-duration", "60s"),
                Map.entry("sluice.pipelines.default.stages", "warm-up-probe,eg-demo"),
                Map.entry("sluice.pipelines.enriched.stages", "warm-up-probe,enrichment"),
                Map.entry("sluice.routing.authority.\"" + ENRICHED_AUTHORITY + "\"", "enriched"),
                Map.entry("sluice.pipelines.by-route.stages", "warm-up-probe"),
                Map.entry("sluice.routing.route-name.\"" + ROUTE_NAME + "\"", "by-route"),
                Map.entry("sluice.stage.enrichment.url", "${test.enrichment.url}"),
                // This JVM's first REST call (class loading) can outlast the 150 ms default, and the warm-up does not
                // call the service: room for it, and an Envoy timer to match.
                Map.entry("sluice.stage.enrichment.timeout", "2s"),
                Map.entry("sluice.exchange.envoy-message-timeout", "4s"),
                Map.entry("sluice.stage.enrichment.cache.enabled", "false"),
                // What the test profile sets for everything else (the example stage requires it).
                Map.entry("sluice.stage.tenant.allowed", "acme"),
                Map.entry("sluice.shutdown.delay", "0s"),
                Map.entry("sluice.shutdown.drain-timeout", "2s"));
    }
}
