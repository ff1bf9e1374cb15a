package io.sluice.message;

import io.sluice.stage.ExchangeContext;
import io.sluice.stage.Headers;
import io.sluice.stage.StagePolicy;
import io.sluice.stage.TrailersPhase;

/** A turn on request or response trailers. */
final class TrailersView extends PhaseView implements TrailersPhase {

    TrailersView(PhaseReply reply, String stage, StagePolicy policy, ExchangeContext exchange) {
        super(reply, stage, policy, exchange);
    }

    @Override
    public Headers trailers() {
        return this;
    }
}
