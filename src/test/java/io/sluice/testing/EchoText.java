package io.sluice.testing;

import java.nio.charset.StandardCharsets;

/**
 * The deterministic text stream that {@link EchoUpstream} sends for {@code ?bytes=N&text=1}: numbered lines of
 * equal length, each with one {@link #SECRET}, so a text-rewriting stage has something to rewrite in every line and
 * a test can compute the rewritten stream without buffering it.
 */
public final class EchoText {

    public static final String SECRET = "secret-token";

    private static final byte[] TEMPLATE = ("0000000000 " + SECRET + " the quick brown fox jumps\n").getBytes(StandardCharsets.US_ASCII);
    private static final int DIGITS = 10;
    public static final int LINE_BYTES = TEMPLATE.length;

    private EchoText() {
    }

    /** Line {@code n} of the stream, in ASCII: its number in ten digits, the secret and some words. */
    public static byte[] line(long n) {
        byte[] line = TEMPLATE.clone();
        // Written by hand, not String.format: a 1 GiB download is 20 million lines and format would dominate.
        long rest = n;
        for (int i = DIGITS - 1; i >= 0; i--) {
            line[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return line;
    }

    /** The {@code len} bytes of the stream starting at absolute position {@code offset}. */
    public static byte[] bytes(long offset, int len) {
        if (offset < 0 || len < 0) {
            throw new IllegalArgumentException("offset and len must be >= 0, got " + offset + ", " + len);
        }
        byte[] out = new byte[len];
        int filled = 0;
        while (filled < len) {
            long p = offset + filled;
            byte[] line = line(p / LINE_BYTES);
            int from = (int) (p % LINE_BYTES);
            int n = Math.min(line.length - from, len - filled);
            System.arraycopy(line, from, out, filled, n);
            filled += n;
        }
        return out;
    }
}
