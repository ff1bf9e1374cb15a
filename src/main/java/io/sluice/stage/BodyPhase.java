package io.sluice.stage;

import com.google.protobuf.ByteString;

/** A request or response body message: one chunk in STREAMED mode, the whole (or partial) body in BUFFERED modes. */
public interface BodyPhase extends Phase {

    /** The chunk as earlier stages left it. */
    ByteString chunk();

    /** True on the last chunk when no trailers follow. */
    boolean endOfStream();

    /** Replaces this chunk for the next stages and for Envoy. */
    void replaceChunk(ByteString replacement);

    /** Empties this chunk. */
    void clearChunk();
}
