package io.sluice.testing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The deterministic byte stream that {@link EchoUpstream} sends for {@code ?bytes=N}.
 *
 * <p>Byte {@code p} is one byte of a SplitMix64 hash of {@code p / 8}, so the stream never repeats
 * with a period that could line up with chunk or buffer sizes: a dropped, duplicated or reordered
 * chunk anywhere in a download changes the SHA-256.
 */
public final class EchoPattern {

    private static final int HASH_BLOCK = 64 * 1024;

    private EchoPattern() {
    }

    /** The {@code len} bytes of the stream starting at absolute position {@code offset}. */
    public static byte[] bytes(long offset, int len) {
        if (offset < 0 || len < 0) {
            throw new IllegalArgumentException("offset and len must be >= 0, got " + offset + ", " + len);
        }
        byte[] out = new byte[len];
        long word = 0;
        long wordIndex = -1;
        for (int i = 0; i < len; i++) {
            long p = offset + i;
            long w = p >>> 3;
            if (w != wordIndex) {
                wordIndex = w;
                word = mix(w);
            }
            out[i] = (byte) (word >>> ((p & 7) * 8));
        }
        return out;
    }

    /** Lower-case hex SHA-256 of the first {@code n} bytes of the stream. */
    public static String sha256(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        MessageDigest digest = newSha256();
        for (long done = 0; done < n; ) {
            int len = (int) Math.min(HASH_BLOCK, n - done);
            digest.update(bytes(done, len));
            done += len;
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE runtime must provide SHA-256.
            throw new IllegalStateException(e);
        }
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
