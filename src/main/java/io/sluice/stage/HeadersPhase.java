package io.sluice.stage;

/**
 * Request headers or response headers; what both offer. On the request path the phase is a
 * {@link RequestHeadersPhase}, which can also ask Envoy to recompute the route.
 */
public interface HeadersPhase extends Phase {

    /** Mutable view; changes become the reply's header mutation. */
    Headers headers();

    /** True when no body and no trailers follow in this direction. */
    boolean endOfStream();

    /**
     * Asks Envoy to change what it sends next. Envoy honours it only with {@code allow_mode_override: true};
     * Sluice always fills both body modes, because Envoy copies them literally.
     */
    void overrideMode(ModeOverride override);
}
