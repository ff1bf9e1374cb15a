package io.sluice.stage;

import java.util.Optional;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.HeaderSendMode;

/**
 * A requested change of processing mode, answered on a headers message. Fields left empty keep the
 * exchange's current value; body modes are always filled in when the override is sent.
 */
public record ModeOverride(Optional<BodySendMode> requestBody, Optional<BodySendMode> responseBody,
        Optional<HeaderSendMode> responseHeaders, Optional<HeaderSendMode> requestTrailers,
        Optional<HeaderSendMode> responseTrailers) {

    private static final ModeOverride NONE = new ModeOverride(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());

    /** Asks for no change; the start of every override built with the {@code with...} methods. */
    public static ModeOverride none() {
        return NONE;
    }

    public ModeOverride withRequestBody(BodySendMode mode) {
        return new ModeOverride(Optional.of(mode), responseBody, responseHeaders, requestTrailers, responseTrailers);
    }

    public ModeOverride withResponseBody(BodySendMode mode) {
        return new ModeOverride(requestBody, Optional.of(mode), responseHeaders, requestTrailers, responseTrailers);
    }

    public ModeOverride withResponseHeaders(HeaderSendMode mode) {
        return new ModeOverride(requestBody, responseBody, Optional.of(mode), requestTrailers, responseTrailers);
    }

    public ModeOverride withRequestTrailers(HeaderSendMode mode) {
        return new ModeOverride(requestBody, responseBody, responseHeaders, Optional.of(mode), responseTrailers);
    }

    public ModeOverride withResponseTrailers(HeaderSendMode mode) {
        return new ModeOverride(requestBody, responseBody, responseHeaders, requestTrailers, Optional.of(mode));
    }

    /** Later stages win field by field. */
    public ModeOverride mergedWith(ModeOverride later) {
        return new ModeOverride(later.requestBody.or(() -> requestBody), later.responseBody.or(() -> responseBody),
                later.responseHeaders.or(() -> responseHeaders), later.requestTrailers.or(() -> requestTrailers),
                later.responseTrailers.or(() -> responseTrailers));
    }
}
