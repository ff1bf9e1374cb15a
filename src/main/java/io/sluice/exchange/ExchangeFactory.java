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
    private final int maxInFlight;
    private final MessageTimeouts timeouts;
    /** Built by the first warm-up exchange: a start with the warm-up off never builds them. */
    private volatile WarmUpCounting warmUpCounting;

    /**
     * Where warm-up exchanges are counted: the same meters, recorded by the same code (so that it is warm too), in a
     * registry nothing exports, so that the operator's {@code sluice_*} meters count Envoy's exchanges only.
     */
    private record WarmUpCounting(ExchangeMetrics metrics, PhaseRunner runner) {
    }

    public ExchangeFactory(PipelineRegistry pipelines, PhaseRunner runner, ExchangeMetrics metrics, SluiceConfig config) {
        this.pipelines = pipelines;
        this.runner = runner;
        this.metrics = metrics;
        this.maxMessageBytes = config.exchange().maxMessageBytes();
        this.maxInFlight = config.exchange().maxInFlight();
        this.timeouts = new MessageTimeouts(config.exchange().envoyMessageTimeout(), config.exchange().maxMessageTimeout());
    }

    public Exchange create() {
        return create(ExchangeTrace.NONE);
    }

    public Exchange create(ExchangeTrace trace) {
        return create(trace, false);
    }

    /** @param warmUp the stream carried this process's warm-up mark: one of Sluice's own exchanges, not Envoy's */
    public Exchange create(ExchangeTrace trace, boolean warmUp) {
        long id = ids.incrementAndGet();
        if (!warmUp) {
            return new Exchange(id, pipelines, runner, metrics, maxMessageBytes, maxInFlight, timeouts, trace, false);
        }
        WarmUpCounting counting = warmUpCounting();
        return new Exchange(id, pipelines, counting.runner(), counting.metrics(), maxMessageBytes, maxInFlight, timeouts,
                trace, true);
    }

    private WarmUpCounting warmUpCounting() {
        WarmUpCounting counting = warmUpCounting;
        if (counting == null) {
            synchronized (this) {
                counting = warmUpCounting;
                if (counting == null) {
                    ExchangeMetrics unexported = ExchangeMetrics.unexported();
                    counting = new WarmUpCounting(unexported, new PhaseRunner(unexported));
                    warmUpCounting = counting;
                }
            }
        }
        return counting;
    }
}
