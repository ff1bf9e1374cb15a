package io.sluice.pipeline;

import io.smallrye.mutiny.Uni;
import io.sluice.message.PhaseView;
import io.sluice.stage.BodyPhase;
import io.sluice.stage.HeadersPhase;
import io.sluice.stage.Outcome;
import io.sluice.stage.PhaseName;
import io.sluice.stage.RequestHeadersPhase;
import io.sluice.stage.Stage;
import io.sluice.stage.TrailersPhase;

/** Which stage hook answers which message. */
final class StageHooks {

    private StageHooks() {
    }

    /**
     * Whether the stage overrides the phase's hook or the hook of both directions it defaults to (the defaults
     * answer at once and need no time budget).
     */
    static boolean implemented(Stage stage, PhaseName phase) {
        return overrides(stage, hookName(phase), directionParameter(phase))
                || overrides(stage, bothDirectionsHookName(phase.kind()), kindParameter(phase.kind()));
    }

    private static boolean overrides(Stage stage, String hook, Class<?> parameter) {
        try {
            return stage.getClass().getMethod(hook, parameter).getDeclaringClass() != Stage.class;
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

    private static Class<?> directionParameter(PhaseName phase) {
        return phase == PhaseName.REQUEST_HEADERS ? RequestHeadersPhase.class : kindParameter(phase.kind());
    }

    private static String bothDirectionsHookName(PhaseName.Kind kind) {
        return switch (kind) {
            case HEADERS -> "onHeaders";
            case BODY -> "onBody";
            case TRAILERS -> "onTrailers";
        };
    }

    private static Class<?> kindParameter(PhaseName.Kind kind) {
        return switch (kind) {
            case HEADERS -> HeadersPhase.class;
            case BODY -> BodyPhase.class;
            case TRAILERS -> TrailersPhase.class;
        };
    }

    /** The views are built per phase ({@link io.sluice.message.PhaseReply#begin}): each cast holds. */
    static Uni<Outcome> invoke(Stage stage, PhaseName phase, PhaseView view) {
        return switch (phase) {
            case REQUEST_HEADERS -> stage.onRequestHeaders((RequestHeadersPhase) view);
            case RESPONSE_HEADERS -> stage.onResponseHeaders((HeadersPhase) view);
            case REQUEST_BODY -> stage.onRequestBody((BodyPhase) view);
            case RESPONSE_BODY -> stage.onResponseBody((BodyPhase) view);
            case REQUEST_TRAILERS -> stage.onRequestTrailers((TrailersPhase) view);
            case RESPONSE_TRAILERS -> stage.onResponseTrailers((TrailersPhase) view);
        };
    }
}
