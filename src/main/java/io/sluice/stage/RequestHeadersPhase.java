package io.sluice.stage;

/** Request headers: the one message whose reply can make Envoy recompute the route. */
public interface RequestHeadersPhase extends HeadersPhase {

    /**
     * Asks Envoy to recompute the route after the header mutation (e.g. a changed {@code :path}). Envoy ignores it when
     * the reply carries no header mutation, and its {@code route_cache_action} may forbid it; the encoder of the
     * response path drops it, which is why response headers do not offer it.
     */
    void clearRouteCache();
}
