package io.sluice.stage;

import com.google.protobuf.ByteString;

/** A request or response body message: one chunk in STREAMED mode, the whole (or partial) body in BUFFERED modes. */
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

    /**
     * The message's headers, changeable in BUFFERED and BUFFERED_PARTIAL modes, where Envoy still holds them and
     * applies the body reply's header mutation. In BUFFERED mode Sluice keeps {@code content-length} right when
     * a stage changes the body.
     *
     * @throws IllegalStateException in STREAMED and FULL_DUPLEX_STREAMED modes, where Envoy has sent them on
     */
    Headers headers();
}
