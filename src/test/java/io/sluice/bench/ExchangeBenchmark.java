package io.sluice.bench;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.responseBody;
import static io.sluice.stagetest.EnvoyMessages.responseHeaders;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Multi;
import io.sluice.exchange.Exchange;
import io.sluice.observability.ExchangeMetrics;
import io.sluice.pipeline.BoundStage;
import io.sluice.pipeline.PhaseRunner;
import io.sluice.pipeline.Pipeline;
import io.sluice.stage.StagePolicy;
import io.sluice.stages.EnvoyGatewayDemoStage;
import io.sluice.stages.EnvoyGatewayDemoStageTest;

/**
 * The exchange alone, no gRPC: one whole exchange per operation through the real exchange, pipeline and reply
 * encoding with Envoy Gateway's demo stage, as the transport drives it (a Multi of Envoy's messages in, every reply
 * consumed). With {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per exchange. Not part of the
 * test suite; the command is in the README (Performance).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xmx256m" })
public class ExchangeBenchmark {

    private ExchangeMetrics metrics;
    private PhaseRunner runner;
    private Pipeline pipeline;
    private ProcessingRequest[] headersOnly;
    private ProcessingRequest[] fourPhases;
    private long ids;
    private int answered;

    @Setup
    public void setUp() {
        metrics = new ExchangeMetrics(new SimpleMeterRegistry());
        runner = new PhaseRunner(metrics);
        EnvoyGatewayDemoStage stage = new EnvoyGatewayDemoStage(EnvoyGatewayDemoStageTest.CONFIG);
        pipeline = new Pipeline("bench", List.of(new BoundStage("eg-demo", stage, StagePolicy.DEFAULT.withOnFailure(StagePolicy.OnFailure.FAIL_OPEN))));
        headersOnly = new ProcessingRequest[] { requestHeaders(true), responseHeaders(true) };
        String kib = "x".repeat(1024);
        fourPhases = new ProcessingRequest[] {
                first(requestHeaders(false), BodySendMode.BUFFERED, BodySendMode.BUFFERED), requestBody(kib, true),
                responseHeaders(false), responseBody(kib, true) };
    }

    @Benchmark
    public void headersOnly(Blackhole replies) {
        exchange(headersOnly, replies);
    }

    @Benchmark
    public void fourPhases(Blackhole replies) {
        exchange(fourPhases, replies);
    }

    private void exchange(ProcessingRequest[] messages, Blackhole replies) {
        Exchange exchange = new Exchange(ids++, context -> pipeline, runner, metrics);
        int before = answered;
        exchange.process(Multi.createFrom().items(messages)).subscribe().with(reply -> {
            answered++;
            replies.consume(reply);
        }, failure -> {
            throw new IllegalStateException(failure);
        });
        if (answered - before != messages.length) {
            // Otherwise the benchmark would time the subscription alone.
            throw new IllegalStateException("the exchange did not answer every message in the caller's turn");
        }
    }
}
