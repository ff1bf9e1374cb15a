package io.sluice.warmup;

import java.util.Optional;

import io.sluice.stage.ExchangeContext;

/**
 * What a warm-up exchange tells the pipeline selector, as Envoy's first message would: an authority, a path and,
 * for a route-name rule, the {@code xds.route_name} attribute.
 */
record WarmUpRoute(String authority, String path, Optional<String> routeName) {

    /** Never a real host (RFC 6761), so that nothing can mistake a warm-up query for a client's. */
    static final String AUTHORITY = "sluice-warm-up.invalid";

    /** The route as the selector sees an exchange. */
    ExchangeContext facts() {
        return new RouteFacts(this);
    }
}
