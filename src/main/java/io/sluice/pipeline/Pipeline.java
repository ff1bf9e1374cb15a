package io.sluice.pipeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A named, ordered list of stages. */
public final class Pipeline {

    private final String name;
    private final List<BoundStage> requestOrder;
    private final List<BoundStage> responseOrder;

    public Pipeline(String name, List<BoundStage> stages) {
        this.name = name;
        this.requestOrder = List.copyOf(stages);
        List<BoundStage> reversed = new ArrayList<>(stages);
        Collections.reverse(reversed);
        this.responseOrder = List.copyOf(reversed);
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
