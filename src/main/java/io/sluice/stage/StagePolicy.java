package io.sluice.stage;

import java.time.Duration;

import io.smallrye.config.WithDefault;

/**
 * What the pipeline does when a stage's hook fails or does not answer within {@link #timeout()}.
 * <p>
 * Stage config mappings usually extend this interface, so each stage gets
 * {@code sluice.stage.<name>.timeout}, {@code .on-failure} and {@code .failure-status} for free.
 */
public interface StagePolicy {

    enum OnFailure {
        /** Skip the stage's effects for this message, count it, log the first failure; the exchange carries on. */
        FAIL_OPEN,
        /** Answer the client with an immediate response of {@link #failureStatus()}. */
        RESPOND,
        /** End the ext_proc stream with a gRPC error, so that Envoy's {@code failure_mode_allow} decides. */
        GRPC_ERROR
    }

    /** Bounded well inside Envoy's default 200 ms {@code message_timeout}. */
    @WithDefault("150ms")
    Duration timeout();

    @WithDefault("grpc-error")
    OnFailure onFailure();

    /** Status of the immediate response when {@link #onFailure()} is {@code respond}. */
    @WithDefault("503")
    int failureStatus();

    StagePolicy DEFAULT = of(Duration.ofMillis(150), OnFailure.GRPC_ERROR, 503);

    static StagePolicy of(Duration timeout, OnFailure onFailure, int failureStatus) {
        return new StagePolicy() {
            @Override
            public Duration timeout() {
                return timeout;
            }

            @Override
            public OnFailure onFailure() {
                return onFailure;
            }

            @Override
            public int failureStatus() {
                return failureStatus;
            }
        };
    }
}
