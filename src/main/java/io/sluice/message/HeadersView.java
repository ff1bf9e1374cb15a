package io.sluice.message;

import java.util.Objects;

import io.sluice.stage.ExchangeContext;
import io.sluice.stage.Headers;
import io.sluice.stage.HeadersPhase;
import io.sluice.stage.ModeOverride;
import io.sluice.stage.StagePolicy;

/** A turn on response headers; {@link RequestHeadersView} adds what only request headers offer. */
sealed class HeadersView extends PhaseView implements HeadersPhase permits RequestHeadersView {

    HeadersView(PhaseReply reply, String stage, StagePolicy policy, ExchangeContext exchange) {
        super(reply, stage, policy, exchange);
    }

    @Override
    public Headers headers() {
        return this;
    }

    @Override
    public boolean endOfStream() {
        return reply.endOfStream();
    }

    @Override
    public void overrideMode(ModeOverride override) {
        Objects.requireNonNull(override, "override");
        reply.requireActive(this, "override the processing mode");
        reply.modeOverride = reply.modeOverride == null ? override : reply.modeOverride.mergedWith(override);
    }
}
