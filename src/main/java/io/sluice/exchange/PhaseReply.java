package io.sluice.exchange;

import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import io.sluice.stage.ModeOverride;

/**
 * Everything the stages decided about one message, folded together: header (or trailer) changes, a replaced
 * chunk, dynamic metadata, route-cache clearing and a mode override. Stages change it one at a time through a
 * {@link PhaseView}; a stage that fails open is rolled back to where it started.
 */
public final class PhaseReply {

    record MetadataEntry(String namespace, String key, Value value) {
    }

    private record Checkpoint(int headerOps, int metadata, boolean clearRouteCache, ModeOverride modeOverride,
            ByteString chunk) {
    }

    final PhaseName phase;
    final MutableHeaders headers;
    final boolean endOfStream;
    /** No further body message will come in this direction (see {@link io.sluice.stage.BodyPhase#lastMessage()}). */
    boolean lastMessage;
    private final ByteString originalChunk;
    ByteString chunk;
    final List<MetadataEntry> metadata = new ArrayList<>();
    boolean clearRouteCache;
    ModeOverride modeOverride;
    private volatile Object activeTurn;

    PhaseReply(PhaseName phase, MutableHeaders headers, ByteString chunk, boolean endOfStream) {
        this.phase = phase;
        this.headers = headers;
        this.originalChunk = chunk;
        this.chunk = chunk;
        this.endOfStream = endOfStream;
    }

    public PhaseName phase() {
        return phase;
    }

    boolean chunkChanged() {
        return chunk != originalChunk && !chunk.equals(originalChunk);
    }

    /** Starts one stage's turn; only the returned turn may change this reply until it ends. */
    public Turn begin(String stage) {
        Turn turn = new Turn(stage, new Checkpoint(headers == null ? 0 : headers.checkpoint(), metadata.size(),
                clearRouteCache, modeOverride, chunk));
        activeTurn = turn;
        return turn;
    }

    void requireActive(Turn turn, String what) {
        if (activeTurn != turn) {
            throw new IllegalStateException("stage '" + turn.stage + "' tried to " + what + " on " + phase.wireName()
                    + " after its hook had ended (a Uni completed, failed or timed out before this call)");
        }
    }

    static Value toValue(Object value) {
        if (value instanceof Value v) {
            return v;
        }
        if (value instanceof String s) {
            return Value.newBuilder().setStringValue(s).build();
        }
        if (value instanceof Number n) {
            return Value.newBuilder().setNumberValue(n.doubleValue()).build();
        }
        if (value instanceof Boolean b) {
            return Value.newBuilder().setBoolValue(b).build();
        }
        if (value instanceof Struct s) {
            return Value.newBuilder().setStructValue(s).build();
        }
        throw new IllegalArgumentException("dynamic metadata values must be String, Number, Boolean, Struct or Value, got "
                + (value == null ? "null" : value.getClass().getName()));
    }

    /** One stage's exclusive right to change the reply. */
    public final class Turn {
        private final String stage;
        private final Checkpoint start;

        private Turn(String stage, Checkpoint start) {
            this.stage = stage;
            this.start = start;
        }

        public String stage() {
            return stage;
        }

        public PhaseReply reply() {
            return PhaseReply.this;
        }

        /** Keeps the stage's changes. */
        public void end() {
            if (activeTurn == this) {
                activeTurn = null;
            }
        }

        /** Undoes the stage's changes (fail-open) and ends the turn. */
        public void rollback() {
            end();
            if (headers != null) {
                headers.rollback(start.headerOps());
            }
            metadata.subList(start.metadata(), metadata.size()).clear();
            clearRouteCache = start.clearRouteCache();
            modeOverride = start.modeOverride();
            chunk = start.chunk();
        }
    }
}
