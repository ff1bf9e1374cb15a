package io.sluice.stage;

/** Request headers or response headers. */
public interface HeadersPhase extends Phase {

    /** Mutable view; changes become the reply's header mutation. */
    Headers headers();

    /** True when no body and no trailers follow in this direction. */
    boolean endOfStream();

    /**
     * Asks Envoy to recompute the route after the header mutation (request direction only; Envoy ignores it
     * when the reply carries no header mutation, and its {@code route_cache_action} may forbid it).
     */
    void clearRouteCache();

    /**
     * Asks Envoy to change what it sends next. Envoy honours it only with {@code allow_mode_override: true};
     * Sluice always fills both body modes, because Envoy copies them literally.
     */
    void overrideMode(ModeOverride override);
}
