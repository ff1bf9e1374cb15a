package io.sluice.stage;

/** Request or response trailers; Envoy sends them only when they exist and the trailer mode is SEND. */
public interface TrailersPhase extends Phase {

    Headers trailers();
}
