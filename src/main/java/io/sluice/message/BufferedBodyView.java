package io.sluice.message;

import io.sluice.stage.BufferedBodyPhase;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.Headers;
import io.sluice.stage.StagePolicy;

/** A turn on a body message that comes while Envoy still holds the headers (BUFFERED modes). */
final class BufferedBodyView extends BodyView implements BufferedBodyPhase {

    BufferedBodyView(PhaseReply reply, String stage, StagePolicy policy, ExchangeContext exchange) {
        super(reply, stage, policy, exchange);
    }

    @Override
    public Headers headers() {
        return this;
    }
}
