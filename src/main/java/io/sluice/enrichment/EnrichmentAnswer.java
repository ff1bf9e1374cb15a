package io.sluice.enrichment;

import java.util.Map;

/**
 * What the enrichment service answers: request headers to set, dynamic metadata to emit, or a denial that Sluice
 * turns into an immediate response. Every part is optional; {@code {}} means "nothing to add".
 */
public record EnrichmentAnswer(Map<String, String> headers, Map<String, Object> metadata, Deny deny) {

    /** An immediate response to the client, with the service's status, body and headers. */
    public record Deny(int status, String body, Map<String, String> headers) {
    }

    public EnrichmentAnswer {
        headers = headers == null ? Map.of() : headers;
        metadata = metadata == null ? Map.of() : metadata;
    }

    /** Checks what JSON binding cannot: a deny status Envoy accepts. */
    EnrichmentAnswer validated() {
        if (deny != null && (deny.status() < 200 || deny.status() > 599)) {
            throw new InvalidAnswerException("deny.status " + deny.status() + " is outside 200..599");
        }
        return this;
    }

    /** The service answered, but not with what Sluice expects. */
    public static final class InvalidAnswerException extends RuntimeException {
        public InvalidAnswerException(String message) {
            super(message);
        }
    }
}
