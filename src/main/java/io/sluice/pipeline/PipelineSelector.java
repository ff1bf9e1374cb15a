package io.sluice.pipeline;

import io.sluice.stage.ExchangeContext;

/** Chooses the pipeline of an exchange from what its first message tells. */
@FunctionalInterface
public interface PipelineSelector {

    Pipeline select(ExchangeContext exchange);
}
