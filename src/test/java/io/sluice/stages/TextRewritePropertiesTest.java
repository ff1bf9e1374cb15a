package io.sluice.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.google.protobuf.ByteString;

import io.sluice.stage.CarryOver;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever the chunking, streaming replacement gives the same bytes as replacing in the whole body at once, and
 * never holds back more than the rule's window.
 */
class TextRewritePropertiesTest {

    static TextReplaceConfig.Rule rule(String literal, String regex, String replacement) {
        return new TextReplaceConfig.Rule() {
            public Optional<String> literal() {
                return Optional.ofNullable(literal);
            }

            public Optional<String> regex() {
                return Optional.ofNullable(regex);
            }

            public String replacement() {
                return replacement;
            }
        };
    }

    @Provide
    Arbitrary<String> bodies() {
        // A small alphabet makes matches, near-matches and overlaps frequent.
        return Arbitraries.strings().withChars("abcx-é").ofMaxLength(400);
    }

    static List<ByteString> chunk(byte[] body, long seed, int maxChunk) {
        java.util.Random random = new java.util.Random(seed);
        List<ByteString> chunks = new ArrayList<>();
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, 1 + random.nextInt(maxChunk));
            chunks.add(ByteString.copyFrom(body, at, n));
            at += n;
        }
        return chunks;
    }

    static String stream(TextRewrite rewrite, byte[] body, long seed, int maxChunk, java.nio.charset.Charset cs) {
        CarryOver carry = new CarryOver(rewrite.window());
        List<ByteString> chunks = chunk(body, seed, maxChunk);
        ByteString out = ByteString.EMPTY;
        for (int i = 0; i < chunks.size(); i++) {
            out = out.concat(carry.push(chunks.get(i), false, rewrite));
            assertThat(carry.held()).isLessThanOrEqualTo(rewrite.window());
        }
        out = out.concat(carry.push(ByteString.EMPTY, true, rewrite));
        return out.toString(cs);
    }

    @Property(tries = 500)
    void literalReplacementIsChunkingIndependent(@ForAll("bodies") String body, @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 9) int maxChunk) {
        TextRewrite rewrite = TextRewrite.of(rule("abcab", null, "é-Z"), 64);
        String streamed = stream(rewrite, body.getBytes(StandardCharsets.UTF_8), seed, maxChunk, StandardCharsets.UTF_8);
        assertThat(streamed).isEqualTo(body.replace("abcab", "é-Z"));
    }

    @Property(tries = 500)
    void regexReplacementIsChunkingIndependentForMatchesWithinTheWindow(@ForAll("bodies") String ascii, @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 9) int maxChunk) {
        String body = ascii.replace("é", "e");
        // Matches are at most 8 bytes ("a" then up to 6 b/c then "x"), well under max-match-bytes.
        TextRewrite rewrite = TextRewrite.of(rule(null, "a[bc]{0,6}x", "<$0>"), 16);
        String streamed = stream(rewrite, body.getBytes(StandardCharsets.ISO_8859_1), seed, maxChunk, StandardCharsets.ISO_8859_1);
        assertThat(streamed).isEqualTo(body.replaceAll("a[bc]{0,6}x", "<$0>"));
    }
}
