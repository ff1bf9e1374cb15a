package io.sluice.observability;

import java.util.Locale;

import io.sluice.stage.Direction;
import io.sluice.stage.ModeOverride;

/** What a stage's mode override adds to the mode-override meters; kept apart so encoding stays about the protocol. */
public final class ReplyCounts {

    private ReplyCounts() {
    }

    /** One count per part of the exchange the override changes, e.g. (response, body_streamed). */
    public static void modeOverride(ExchangeMetrics metrics, ModeOverride override) {
        override.requestBody().ifPresent(m -> metrics.modeOverride(Direction.REQUEST, "body_" + tag(m)));
        override.responseBody().ifPresent(m -> metrics.modeOverride(Direction.RESPONSE, "body_" + tag(m)));
        override.responseHeaders().ifPresent(m -> metrics.modeOverride(Direction.RESPONSE, "headers_" + tag(m)));
        override.requestTrailers().ifPresent(m -> metrics.modeOverride(Direction.REQUEST, "trailers_" + tag(m)));
        override.responseTrailers().ifPresent(m -> metrics.modeOverride(Direction.RESPONSE, "trailers_" + tag(m)));
    }

    private static String tag(Enum<?> mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }
}
