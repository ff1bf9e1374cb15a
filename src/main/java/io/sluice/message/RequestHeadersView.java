package io.sluice.message;

import io.sluice.stage.ExchangeContext;
import io.sluice.stage.RequestHeadersPhase;

/** A turn on request headers. */
final class RequestHeadersView extends HeadersView implements RequestHeadersPhase {

    RequestHeadersView(PhaseReply reply, String stage, ExchangeContext exchange) {
        super(reply, stage, exchange);
    }

    @Override
    public void clearRouteCache() {
        reply.requireActive(this, "clear the route cache");
        reply.clearRouteCache = true;
    }
}
