package io.sluice.pipeline;

import java.time.Duration;

/** A stage's hook did not answer within its policy's timeout. */
public final class StageTimeoutException extends RuntimeException {

    public StageTimeoutException(String stage, String phase, Duration timeout) {
        super("stage '" + stage + "' did not answer " + phase + " within " + timeout.toMillis() + " ms", null, false, false);
    }
}
