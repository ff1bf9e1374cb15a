package io.sluice.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.sluice.exchange.PhaseName;

/** A named, ordered list of stages. */
public final class Pipeline {

    private final String name;
    private final List<BoundStage> requestOrder;
    private final List<BoundStage> responseOrder;

    private final Map<PhaseName, Duration> budgets = new EnumMap<>(PhaseName.class);

    public Pipeline(String name, List<BoundStage> stages) {
        this.name = name;
        this.requestOrder = List.copyOf(stages);
        List<BoundStage> reversed = new ArrayList<>(stages);
        Collections.reverse(reversed);
        this.responseOrder = List.copyOf(reversed);
        for (PhaseName phase : PhaseName.values()) {
            budgets.put(phase, stages.stream().filter(s -> StageHooks.implemented(s.stage(), phase))
                    .map(s -> s.policy().timeout()).reduce(Duration.ZERO, Duration::plus));
        }
    }

    /** The longest a message of this phase may take here: the timeouts of the stages that implement its hook. */
    public Duration budget(PhaseName phase) {
        return budgets.get(phase);
    }

    public String name() {
        return name;
    }

    public List<BoundStage> stages() {
        return requestOrder;
    }

    /** Request phases run in order, response phases in reverse, as Envoy runs its own filter chain. */
    public List<BoundStage> order(boolean responsePath) {
        return responsePath ? responseOrder : requestOrder;
    }
}
