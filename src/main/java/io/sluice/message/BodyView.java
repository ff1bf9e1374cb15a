package io.sluice.message;

import java.util.Objects;

import com.google.protobuf.ByteString;

import io.sluice.stage.BodyPhase;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.StagePolicy;

/** A turn on a body message whose headers Envoy has sent on; {@link BufferedBodyView} when it still holds them. */
sealed class BodyView extends PhaseView implements BodyPhase permits BufferedBodyView {

    BodyView(PhaseReply reply, String stage, StagePolicy policy, ExchangeContext exchange) {
        super(reply, stage, policy, exchange);
    }

    @Override
    public ByteString chunk() {
        return reply.chunk;
    }

    @Override
    public boolean endOfStream() {
        return reply.endOfStream();
    }

    @Override
    public boolean lastMessage() {
        return reply.lastMessage();
    }

    @Override
    public void replaceChunk(ByteString replacement) {
        Objects.requireNonNull(replacement, "replacement");
        reply.requireActive(this, "replace the body chunk");
        reply.chunk = replacement;
    }

    @Override
    public void clearChunk() {
        replaceChunk(ByteString.EMPTY);
    }
}
