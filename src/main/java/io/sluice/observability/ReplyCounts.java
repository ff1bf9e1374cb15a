package io.sluice.observability;

import java.util.List;
import java.util.Locale;

import io.envoyproxy.envoy.service.ext_proc.v3.BodyMutation;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.sluice.exchange.Direction;
import io.sluice.stage.ModeOverride;

/**
 * What the replies of one message add to the body-bytes and mode-override meters. Kept apart from the encoder so
 * that encoding stays about the protocol only.
 */
public final class ReplyCounts {

    private ReplyCounts() {
    }

    /** Body bytes carried back to Envoy: replaced bodies and streamed_response chunks (an unchanged body sends none). */
    public static long bodyBytesSent(List<ProcessingResponse> replies) {
        long bytes = 0;
        for (ProcessingResponse reply : replies) {
            BodyMutation mutation;
            if (reply.hasRequestBody()) {
                mutation = reply.getRequestBody().getResponse().getBodyMutation();
            } else if (reply.hasResponseBody()) {
                mutation = reply.getResponseBody().getResponse().getBodyMutation();
            } else {
                continue;
            }
            bytes += switch (mutation.getMutationCase()) {
                case BODY -> mutation.getBody().size();
                case STREAMED_RESPONSE -> mutation.getStreamedResponse().getBody().size();
                default -> 0;
            };
        }
        return bytes;
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
