package io.sluice.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.sluice.stage.Direction;
import io.sluice.stage.PhaseName;

/**
 * A named, ordered list of stages, and for each phase the stages that implement its hook, in the order they run:
 * request phases in pipeline order, response phases in reverse, as Envoy runs its own filter chain. A stage that
 * does not implement a hook is never called for that phase.
 */
public final class Pipeline {

    private static final PhaseName[] PHASES = PhaseName.values();

    private final String name;
    private final List<BoundStage> stages;
    private final BoundStage[][] byPhase = new BoundStage[PHASES.length][];
    private final Duration[] budgets = new Duration[PHASES.length];

    public Pipeline(String name, List<BoundStage> stages) {
        this.name = name;
        this.stages = List.copyOf(stages);
        for (PhaseName phase : PHASES) {
            List<BoundStage> order = new ArrayList<>();
            for (BoundStage stage : stages) {
                if (StageHooks.implemented(stage.stage(), phase)) {
                    order.add(stage);
                }
            }
            if (phase.direction() == Direction.RESPONSE) {
                java.util.Collections.reverse(order);
            }
            byPhase[phase.ordinal()] = order.toArray(BoundStage[]::new);
            budgets[phase.ordinal()] = order.stream().map(s -> s.policy().timeout()).reduce(Duration.ZERO, Duration::plus);
        }
    }

    /** The longest a message of this phase may take here: the timeouts of the stages that implement its hook. */
    public Duration budget(PhaseName phase) {
        return budgets[phase.ordinal()];
    }

    public String name() {
        return name;
    }

    /** Every stage, in pipeline order. */
    public List<BoundStage> stages() {
        return stages;
    }

    /** The stages that answer this phase, in the order they run; shared, never to be changed. */
    BoundStage[] stagesFor(PhaseName phase) {
        return byPhase[phase.ordinal()];
    }
}
