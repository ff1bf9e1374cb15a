package io.sluice.stage;

import com.google.protobuf.ByteString;

/**
 * Lets a stage transform a body as a byte stream whose matches may cross chunk boundaries, holding back at most
 * {@code window} bytes between chunks instead of buffering the body. Each chunk's reply carries what is final so
 * far; the held-back tail joins the next chunk, and everything is flushed at end of stream. Keep one instance per
 * exchange and direction (in {@link ExchangeContext}).
 */
public final class CarryOver {

    /** What a transform made of {@code data}: the output, and how many input bytes it is done with. */
    public record Step(ByteString output, int consumed) {
    }

    /**
     * Transforms the carried-over bytes plus the new chunk. It must consume everything when {@code last}, and
     * otherwise may leave an unconsumed tail of at most {@link #window()} bytes (a possible match in progress).
     */
    @FunctionalInterface
    public interface Transform {
        Step apply(ByteString data, boolean last);
    }

    private final int window;
    private ByteString carry = ByteString.EMPTY;

    public CarryOver(int window) {
        if (window < 0) {
            throw new IllegalArgumentException("window must be >= 0, got " + window);
        }
        this.window = window;
    }

    public int window() {
        return window;
    }

    /** Bytes currently held back. */
    public int held() {
        return carry.size();
    }

    /** Feeds one chunk and returns what can be forwarded now. */
    public ByteString push(ByteString chunk, boolean last, Transform transform) {
        ByteString data = carry.isEmpty() ? chunk : carry.concat(chunk);
        Step step = transform.apply(data, last);
        int kept = data.size() - step.consumed();
        if (step.consumed() < 0 || kept < 0) {
            throw new IllegalStateException("transform consumed " + step.consumed() + " of " + data.size() + " bytes");
        }
        if (last && kept != 0) {
            throw new IllegalStateException("transform left " + kept + " bytes unconsumed at end of stream");
        }
        if (kept > window) {
            throw new IllegalStateException("transform held back " + kept + " bytes, more than its window of " + window);
        }
        carry = data.substring(step.consumed());
        return step.output();
    }
}
