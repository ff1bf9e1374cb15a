package io.sluice.warmup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.sluice.config.SluiceConfig;
import io.sluice.pipeline.PipelineSelector;

/**
 * One warm-up route per pipeline that the routing can reach: a request per routing rule (and one that matches none,
 * for the default pipeline), each kept if the selector sends it to a pipeline no earlier route reached. A pipeline no
 * rule names is never chosen for Envoy's exchanges either, so it needs no warming.
 */
final class WarmUpRoutes {

    private WarmUpRoutes() {
    }

    /** Pipeline name to the route that reaches it, default pipeline first. */
    static Map<String, WarmUpRoute> find(SluiceConfig.Routing routing, PipelineSelector selector) {
        List<WarmUpRoute> candidates = new ArrayList<>();
        candidates.add(new WarmUpRoute(WarmUpRoute.AUTHORITY, "/", Optional.empty()));
        // The prefix itself: no longer prefix can match it, so the longest-prefix rule picks this one. Envoy's paths
        // start with "/"; a prefix that does not can match none of them.
        routing.byPathPrefix().keySet().stream().filter(prefix -> prefix.isEmpty() || prefix.startsWith("/"))
                .forEach(prefix -> candidates.add(new WarmUpRoute(WarmUpRoute.AUTHORITY, prefix.isEmpty() ? "/" : prefix,
                        Optional.empty())));
        routing.byAuthority().keySet().forEach(host -> candidates.add(new WarmUpRoute(host, "/", Optional.empty())));
        routing.byRouteName().keySet().forEach(route -> candidates.add(new WarmUpRoute(WarmUpRoute.AUTHORITY, "/",
                Optional.of(route))));
        Map<String, WarmUpRoute> routes = new LinkedHashMap<>();
        for (WarmUpRoute candidate : candidates) {
            routes.putIfAbsent(selector.select(candidate.facts()).name(), candidate);
        }
        return routes;
    }
}
