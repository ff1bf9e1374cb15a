package io.sluice.pipeline;

import io.sluice.stage.Stage;
import io.sluice.stage.StagePolicy;

/** A stage as a pipeline holds it: its configured name, the bean, and the policy read once at start-up. */
public record BoundStage(String name, Stage stage, StagePolicy policy) {
}
