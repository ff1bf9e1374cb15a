package io.sluice.stage;

import io.smallrye.mutiny.Uni;

/**
 * One step of a Sluice pipeline, in Envoy's words: a filter that sees the phases of an HTTP exchange.
 * <p>
 * A stage is an {@code @ApplicationScoped} CDI bean qualified with
 * {@code @io.smallrye.common.annotation.Identifier("name")}; pipelines name it in
 * {@code sluice.pipelines.<pipeline>.stages}. Request phases run the stages in pipeline order, response
 * phases in reverse order, as Envoy runs its own filter chain. Every hook returns a {@link Uni}: never block,
 * and answer well inside Envoy's {@code message_timeout} (200 ms by default). What happens when a hook fails or
 * outlives its timeout is the stage's {@link StagePolicy}, which Sluice binds from {@code sluice.stage.<name>.*}:
 * a stage declares nothing for it.
 * <p>
 * Override either a direction's hook ({@code onRequestBody}) or the hook of both directions ({@code onBody}), to
 * which the direction's hooks default; a stage that overrides neither for a phase is never called for it, and
 * its message goes through untouched. One stage instance serves every exchange: keep per-exchange data in
 * {@link ExchangeContext#put}, not in fields.
 */
public interface Stage {

    default Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
        return onHeaders(phase);
    }

    default Uni<Outcome> onResponseHeaders(HeadersPhase phase) {
        return onHeaders(phase);
    }

    /** Both directions' headers, for a stage that treats them alike ({@link Phase#direction()} tells which). */
    default Uni<Outcome> onHeaders(HeadersPhase phase) {
        return Outcome.proceed();
    }

    default Uni<Outcome> onRequestBody(BodyPhase phase) {
        return onBody(phase);
    }

    default Uni<Outcome> onResponseBody(BodyPhase phase) {
        return onBody(phase);
    }

    /** Both directions' body messages, for a stage that treats them alike. */
    default Uni<Outcome> onBody(BodyPhase phase) {
        return Outcome.proceed();
    }

    default Uni<Outcome> onRequestTrailers(TrailersPhase phase) {
        return onTrailers(phase);
    }

    default Uni<Outcome> onResponseTrailers(TrailersPhase phase) {
        return onTrailers(phase);
    }

    /** Both directions' trailers, for a stage that treats them alike. */
    default Uni<Outcome> onTrailers(TrailersPhase phase) {
        return Outcome.proceed();
    }

    /**
     * Called once at start-up, before Sluice reports ready: open what the first exchange would otherwise have to open
     * (a connection to a side service), without sending anything that service would count as a request. Readiness
     * waits for it, within {@code sluice.warm-up.max-duration}; a failure is logged and does not hold readiness back.
     * Never block.
     */
    default Uni<Void> prepare() {
        return Uni.createFrom().voidItem();
    }
}
