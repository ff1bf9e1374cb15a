package io.sluice.pipeline;

import io.smallrye.mutiny.Uni;
import io.sluice.message.PhaseView;
import io.sluice.stage.Outcome;
import io.sluice.stage.PhaseName;
import io.sluice.stage.Stage;

/** Which stage hook answers which message. */
final class StageHooks {

    private StageHooks() {
    }

    /** Whether the stage overrides the phase's hook (the defaults answer at once and need no time budget). */
    static boolean implemented(Stage stage, PhaseName phase) {
        Class<?> parameter = switch (phase.kind()) {
            case HEADERS -> io.sluice.stage.HeadersPhase.class;
            case BODY -> io.sluice.stage.BodyPhase.class;
            case TRAILERS -> io.sluice.stage.TrailersPhase.class;
        };
        try {
            return stage.getClass().getMethod(hookName(phase), parameter).getDeclaringClass() != Stage.class;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hookName(PhaseName phase) {
        return switch (phase) {
            case REQUEST_HEADERS -> "onRequestHeaders";
            case RESPONSE_HEADERS -> "onResponseHeaders";
            case REQUEST_BODY -> "onRequestBody";
            case RESPONSE_BODY -> "onResponseBody";
            case REQUEST_TRAILERS -> "onRequestTrailers";
            case RESPONSE_TRAILERS -> "onResponseTrailers";
        };
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
