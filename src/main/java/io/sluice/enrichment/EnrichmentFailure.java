package io.sluice.enrichment;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.grpc.StatusRuntimeException;

/** Why an enrichment call failed, in the words of the metrics and of the {@code details} Envoy logs. */
record EnrichmentFailure(EnrichmentMetrics.Outcome outcome, String reason) {

    static EnrichmentFailure of(Throwable failure) {
        Throwable t = failure;
        if (t instanceof TimeoutException) {
            return new EnrichmentFailure(EnrichmentMetrics.Outcome.TIMEOUT, "no answer within the timeout");
        }
        if (t instanceof CircuitBreakerOpenException) {
            return new EnrichmentFailure(EnrichmentMetrics.Outcome.BREAKER_OPEN, "circuit breaker open");
        }
        if (t instanceof BulkheadException) {
            return new EnrichmentFailure(EnrichmentMetrics.Outcome.BULKHEAD_FULL, "too many calls waiting (bulkhead full)");
        }
        if (t instanceof EnrichmentAnswer.InvalidAnswerException) {
            return new EnrichmentFailure(EnrichmentMetrics.Outcome.INVALID_ANSWER, "invalid answer: " + t.getMessage());
        }
        if (t instanceof WebApplicationException web) {
            return new EnrichmentFailure(EnrichmentMetrics.Outcome.ERROR, "service answered HTTP " + web.getResponse().getStatus());
        }
        if (t instanceof StatusRuntimeException grpc) {
            return new EnrichmentFailure(EnrichmentMetrics.Outcome.ERROR, "service answered gRPC " + grpc.getStatus().getCode()
                    + (grpc.getStatus().getDescription() == null ? "" : ": " + grpc.getStatus().getDescription()));
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof JsonProcessingException json) {
                return new EnrichmentFailure(EnrichmentMetrics.Outcome.INVALID_ANSWER,
                        "answer is not the expected JSON: " + json.getOriginalMessage());
            }
        }
        if (t instanceof ProcessingException) {
            if (!(t.getCause() instanceof java.io.IOException)) {
                // Not the connection: the REST client could not read the answer (wrong content type, not JSON).
                return new EnrichmentFailure(EnrichmentMetrics.Outcome.INVALID_ANSWER, "answer could not be read: "
                        + t.getMessage());
            }
            t = t.getCause();
        }
        return new EnrichmentFailure(EnrichmentMetrics.Outcome.ERROR, "call failed: " + t);
    }
}
