package io.sluice.message;

import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.ByteString;
import com.google.protobuf.Value;

import io.sluice.stage.ExchangeContext;
import io.sluice.stage.ModeOverride;
import io.sluice.stage.PhaseName;
import io.sluice.stage.StagePolicy;

/**
 * Everything the stages decided about one message, folded together: header (or trailer) changes, a replaced
 * chunk, dynamic metadata, route-cache clearing and a mode override. Stages change it one at a time, each through
 * the {@link PhaseView} of its turn; a stage that fails open is rolled back to where its turn started.
 */
public final class PhaseReply {

    public record MetadataEntry(String namespace, String key, Value value) {
    }

    private final PhaseName phase;
    private final MutableHeaders headers;
    private final boolean endOfStream;
    private final boolean lastMessage;
    private final ByteString originalChunk;
    ByteString chunk;
    /** Null until a stage emits metadata: most messages carry none. */
    List<MetadataEntry> metadata;
    boolean clearRouteCache;
    ModeOverride modeOverride;
    /** The view whose turn it is; writes through any other fail. Volatile: a late write may come from any thread. */
    private volatile PhaseView activeTurn;

    /**
     * @param headers the message's headers or trailers, or those Envoy still holds for a body message; null if none
     * @param chunk the body message's chunk; null for headers and trailers
     * @param lastMessage no further body message will come in this direction (see
     *            {@link io.sluice.stage.BodyPhase#lastMessage()})
     */
    public PhaseReply(PhaseName phase, MutableHeaders headers, ByteString chunk, boolean endOfStream,
            boolean lastMessage) {
        this.phase = phase;
        this.headers = headers;
        this.originalChunk = chunk;
        this.chunk = chunk;
        this.endOfStream = endOfStream;
        this.lastMessage = lastMessage;
    }

    public PhaseName phase() {
        return phase;
    }

    public MutableHeaders headers() {
        return headers;
    }

    public boolean endOfStream() {
        return endOfStream;
    }

    public boolean lastMessage() {
        return lastMessage;
    }

    public ByteString chunk() {
        return chunk;
    }

    public boolean chunkChanged() {
        return chunk != originalChunk && !chunk.equals(originalChunk);
    }

    public List<MetadataEntry> metadata() {
        return metadata == null ? List.of() : metadata;
    }

    public boolean clearRouteCache() {
        return clearRouteCache;
    }

    /** The stages' merged mode override, or null when none asked for one. */
    public ModeOverride modeOverride() {
        return modeOverride;
    }

    /** Starts one stage's turn; only the returned view may change this reply until the turn ends. */
    public PhaseView begin(String stage, StagePolicy policy, ExchangeContext exchange) {
        PhaseView turn = switch (phase) {
            case REQUEST_HEADERS -> new RequestHeadersView(this, stage, policy, exchange);
            case RESPONSE_HEADERS -> new HeadersView(this, stage, policy, exchange);
            case REQUEST_BODY, RESPONSE_BODY -> headers == null ? new BodyView(this, stage, policy, exchange)
                    : new BufferedBodyView(this, stage, policy, exchange);
            case REQUEST_TRAILERS, RESPONSE_TRAILERS -> new TrailersView(this, stage, policy, exchange);
        };
        activeTurn = turn;
        return turn;
    }

    void requireActive(PhaseView turn, String what) {
        if (activeTurn != turn) {
            throw new IllegalStateException("stage '" + turn.stage() + "' tried to " + what + " on " + phase.wireName()
                    + " after its hook had ended (a Uni completed, failed or timed out before this call)");
        }
    }

    void ended(PhaseView turn) {
        if (activeTurn == turn) {
            activeTurn = null;
        }
    }

    void addMetadata(MetadataEntry entry) {
        if (metadata == null) {
            metadata = new ArrayList<>(2);
        }
        metadata.add(entry);
    }

    int metadataCount() {
        return metadata == null ? 0 : metadata.size();
    }

    void truncateMetadata(int count) {
        if (metadata != null) {
            metadata.subList(count, metadata.size()).clear();
        }
    }
}
