package io.sluice.testing;

import java.time.Duration;
import java.util.List;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Multi;
import io.sluice.exchange.Exchange;
import io.sluice.observability.ExchangeMetrics;
import io.sluice.pipeline.BoundStage;
import io.sluice.pipeline.PhaseRunner;
import io.sluice.pipeline.Pipeline;
import io.sluice.stage.Stage;
import io.sluice.stage.StagePolicy;

/**
 * Runs stages through the real exchange (protocol checks, pipeline fold, reply encoding) without gRPC, CDI or
 * Envoy: feed it the ProcessingRequests Envoy would send and assert on the ProcessingResponses Envoy would get.
 */
public final class StageTestKit {

    private final Pipeline pipeline;

    private StageTestKit(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** A pipeline of one stage. */
    public static StageTestKit of(String name, Stage stage) {
        return new StageTestKit(new Pipeline("test", List.of(new BoundStage(name, stage, StagePolicy.DEFAULT))));
    }

    /** A pipeline of several stages, in request order. */
    public static StageTestKit of(List<BoundStage> stages) {
        return new StageTestKit(new Pipeline("test", stages));
    }

    /** Plays one whole exchange (one ext_proc stream) and returns every reply, in order. */
    public List<ProcessingResponse> exchange(ProcessingRequest... messages) {
        ExchangeMetrics metrics = new ExchangeMetrics(new SimpleMeterRegistry());
        Exchange exchange = new Exchange(1, context -> pipeline, new PhaseRunner(metrics), metrics);
        return exchange.process(Multi.createFrom().items(messages))
                .collect().asList()
                .await().atMost(Duration.ofSeconds(5));
    }
}
