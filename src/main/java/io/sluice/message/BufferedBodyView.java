package io.sluice.message;

import io.sluice.stage.BufferedBodyPhase;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.Headers;

/** A turn on a body message that comes while Envoy still holds the headers (BUFFERED modes). */
final class BufferedBodyView extends BodyView implements BufferedBodyPhase {

    BufferedBodyView(PhaseReply reply, String stage, ExchangeContext exchange) {
        super(reply, stage, exchange);
    }

    @Override
    public Headers headers() {
        return this;
    }
}
