package io.sluice.stagetest;

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
 * Runs a stage through Sluice's real exchange (protocol checks, the pipeline and its failure policy, reply encoding)
 * without gRPC, CDI or Envoy: feed it the ProcessingRequests Envoy would send ({@link EnvoyMessages}) and check the
 * ProcessingResponses Envoy would get ({@link ReplyAssert}). The pipeline it runs is named {@value #PIPELINE}.
 */
public final class StageTestKit {

    public static final String PIPELINE = "test";

    private final Pipeline pipeline;

    private StageTestKit(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** The stage under the policy its name's defaults give it ({@link StageConfig#defaults}). */
    public static StageTestKit of(String name, Stage stage) {
        return of(name, stage, StageConfig.defaults());
    }

    /** The stage under the policy {@code config} binds for {@code name}, as a pipeline would. */
    public static StageTestKit of(String name, Stage stage, StageConfig config) {
        return of(name, stage, config.policy(name));
    }

    public static StageTestKit of(String name, Stage stage, StagePolicy policy) {
        return new StageTestKit(new Pipeline(PIPELINE, List.of(new BoundStage(name, stage, policy))));
    }

    /** Plays one whole exchange (one ext_proc stream) and returns every reply, in order. */
    public List<ProcessingResponse> exchange(ProcessingRequest... messages) {
        ExchangeMetrics metrics = new ExchangeMetrics(new SimpleMeterRegistry());
        Exchange exchange = new Exchange(1, context -> pipeline, new PhaseRunner(metrics), metrics);
        return exchange.process(Multi.createFrom().items(messages))
                .collect().asList()
                .await().atMost(Duration.ofSeconds(5));
    }

    /** Plays an exchange of one message and returns its one reply. */
    public ProcessingResponse reply(ProcessingRequest message) {
        List<ProcessingResponse> replies = exchange(message);
        if (replies.size() != 1) {
            throw new AssertionError("expected one reply, got " + replies.size() + ": " + replies);
        }
        return replies.get(0);
    }
}
