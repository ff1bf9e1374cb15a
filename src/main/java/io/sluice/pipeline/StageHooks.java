package io.sluice.pipeline;

import io.smallrye.mutiny.Uni;
import io.sluice.exchange.PhaseName;
import io.sluice.exchange.PhaseView;
import io.sluice.stage.Outcome;
import io.sluice.stage.Stage;

/** Which stage hook answers which message. */
final class StageHooks {

    private StageHooks() {
    }

    static Uni<Outcome> invoke(Stage stage, PhaseName phase, PhaseView view) {
        return switch (phase) {
            case REQUEST_HEADERS -> stage.onRequestHeaders(view);
            case RESPONSE_HEADERS -> stage.onResponseHeaders(view);
            case REQUEST_BODY -> stage.onRequestBody(view);
            case RESPONSE_BODY -> stage.onResponseBody(view);
            case REQUEST_TRAILERS -> stage.onRequestTrailers(view);
            case RESPONSE_TRAILERS -> stage.onResponseTrailers(view);
        };
    }
}
