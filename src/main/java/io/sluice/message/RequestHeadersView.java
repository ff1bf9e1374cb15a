package io.sluice.message;

import io.sluice.stage.ExchangeContext;
import io.sluice.stage.RequestHeadersPhase;
import io.sluice.stage.StagePolicy;

/** A turn on request headers. */
final class RequestHeadersView extends HeadersView implements RequestHeadersPhase {

    RequestHeadersView(PhaseReply reply, String stage, StagePolicy policy, ExchangeContext exchange) {
        super(reply, stage, policy, exchange);
    }

    @Override
    public void clearRouteCache() {
        reply.requireActive(this, "clear the route cache");
        reply.clearRouteCache = true;
    }
}
