package io.sluice.stage;

import com.google.protobuf.ByteString;

/**
 * A request or response body message: one chunk in STREAMED mode, the whole (or partial) body in BUFFERED modes.
 * While Envoy still holds the message's headers (BUFFERED and BUFFERED_PARTIAL, headers sent) the phase is a
 * {@link BufferedBodyPhase}, which offers them: {@code if (phase instanceof BufferedBodyPhase buffered)}. The body
 * mode is the exchange's (a route or a mode override may change it), so no hook can know it in advance.
 */
public interface BodyPhase extends Phase {

    /** The chunk as earlier stages left it. */
    ByteString chunk();

    /** True on the last chunk when no trailers follow. */
    boolean endOfStream();

    /**
     * True when no further body message will come in this direction: at end of stream, and on the one message
     * of BUFFERED and BUFFERED_PARTIAL modes (even when trailers follow, or the rest of a partial body flows past
     * Sluice). A stage that holds data back must release it here, or it is lost.
     */
    boolean lastMessage();

    /** Replaces this chunk for the next stages and for Envoy. */
    void replaceChunk(ByteString replacement);

    /** Empties this chunk. */
    void clearChunk();
}
