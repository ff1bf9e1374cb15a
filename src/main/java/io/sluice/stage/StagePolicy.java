package io.sluice.stage;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What the pipeline does when a stage's hook fails or does not answer within {@link #timeout()}. Sluice binds it for
 * every stage from {@code sluice.stage.<name>.timeout}, {@code .on-failure} and {@code .failure-status}
 * ({@link StagePolicies}); a stage declares nothing for it, and can read the one it runs under from
 * {@link Phase#policy()}.
 */
public record StagePolicy(Duration timeout, OnFailure onFailure, int failureStatus) {

    /** The one failure vocabulary of every stage: {@code fail-open}, {@code respond}, {@code grpc-error}. */
    public enum OnFailure {
        /** Skip the stage's effects for this message, count it, log the first failure; the exchange carries on. */
        FAIL_OPEN,
        /** Answer the client with an immediate response of {@link #failureStatus()}. */
        RESPOND,
        /** End the ext_proc stream with a gRPC error, so that Envoy's {@code failure_mode_allow} decides. */
        GRPC_ERROR;

        private final String configValue = name().toLowerCase(Locale.ROOT).replace('_', '-');

        /** As written in configuration, metrics and traces: {@code fail-open}, {@code respond}, {@code grpc-error}. */
        public String configValue() {
            return configValue;
        }
    }

    /** Bounded well inside Envoy's default 200 ms {@code message_timeout}; a failure ends the stream. */
    public static final StagePolicy DEFAULT = new StagePolicy(Duration.ofMillis(150), OnFailure.GRPC_ERROR, 503);

    public StagePolicy {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(onFailure, "onFailure");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (failureStatus < 200 || failureStatus > 599) {
            throw new IllegalArgumentException("failure status must be within 200..599, got " + failureStatus);
        }
    }

    public StagePolicy withOnFailure(OnFailure onFailure) {
        return new StagePolicy(timeout, onFailure, failureStatus);
    }
}
