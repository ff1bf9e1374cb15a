package io.sluice.exchange;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Singleton;

import io.sluice.config.SluiceConfig;
import io.sluice.observability.ExchangeMetrics;
import io.sluice.observability.ExchangeTrace;
import io.sluice.pipeline.PhaseRunner;
import io.sluice.pipeline.PipelineRegistry;

/** Creates the state object of each new ext_proc stream. */
@Singleton
public class ExchangeFactory {

    private final AtomicLong ids = new AtomicLong();
    private final PipelineRegistry pipelines;
    private final PhaseRunner runner;
    private final ExchangeMetrics metrics;

    private final int maxMessageBytes;
    private final MessageTimeouts timeouts;

    public ExchangeFactory(PipelineRegistry pipelines, PhaseRunner runner, ExchangeMetrics metrics, SluiceConfig config) {
        this.pipelines = pipelines;
        this.runner = runner;
        this.metrics = metrics;
        this.maxMessageBytes = config.exchange().maxMessageBytes();
        this.timeouts = new MessageTimeouts(config.exchange().envoyMessageTimeout(), config.exchange().maxMessageTimeout());
    }

    public Exchange create() {
        return create(ExchangeTrace.NONE);
    }

    public Exchange create(ExchangeTrace trace) {
        return new Exchange("x" + Long.toString(ids.incrementAndGet(), 36), pipelines, runner, metrics, maxMessageBytes,
                timeouts, trace);
    }
}
