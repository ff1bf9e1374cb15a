package io.sluice.stages;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;

import io.sluice.stage.CarryOver;

/** One replacement rule as a {@link CarryOver.Transform}: literal bytes, or a regex with a bounded match length. */
abstract sealed class TextRewrite implements CarryOver.Transform {

    /** How many bytes a carry-over for this rule may hold. */
    abstract int window();

    static TextRewrite of(TextReplaceConfig.Rule rule, int maxMatchBytes) {
        if (rule.literal().isPresent() == rule.regex().isPresent()) {
            throw new IllegalArgumentException("sluice.stage.text-replace.rules: each rule needs exactly one of literal or regex");
        }
        return rule.literal().<TextRewrite>map(l -> new Literal(l, rule.replacement()))
                .orElseGet(() -> new Regex(rule.regex().get(), rule.replacement(), maxMatchBytes));
    }

    static final class Literal extends TextRewrite {
        private final byte[] pattern;
        private final ByteString replacement;

        Literal(String pattern, String replacement) {
            if (pattern.isEmpty()) {
                throw new IllegalArgumentException("sluice.stage.text-replace.rules: literal must not be empty");
            }
            this.pattern = pattern.getBytes(StandardCharsets.UTF_8);
            this.replacement = ByteString.copyFromUtf8(replacement);
        }

        @Override
        int window() {
            return pattern.length - 1;
        }

        @Override
        public CarryOver.Step apply(ByteString chunk, boolean last) {
            // One copy to search; the output is slices of the input (no copy), so a chunk without a match goes on as is.
            byte[] data = chunk.toByteArray();
            ByteString out = ByteString.EMPTY;
            int from = 0;
            for (int at = indexOf(data, from); at >= 0; at = indexOf(data, from)) {
                out = out.concat(chunk.substring(from, at)).concat(replacement);
                from = at + pattern.length;
            }
            // A match may start in the tail and end in the next chunk: hold back the longest tail that is a prefix of
            // the pattern, and nothing else (a body that trailers end has no later chunk to release it in STREAMED).
            int consumed = last ? data.length : Math.max(from, data.length - partialMatchAtEnd(data, from));
            return new CarryOver.Step(out.concat(chunk.substring(from, consumed)), consumed);
        }

        private int partialMatchAtEnd(byte[] data, int from) {
            for (int len = Math.min(pattern.length - 1, data.length - from); len > 0; len--) {
                if (java.util.Arrays.equals(data, data.length - len, data.length, pattern, 0, len)) {
                    return len;
                }
            }
            return 0;
        }

        private int indexOf(byte[] data, int from) {
            int end = data.length - pattern.length;
            outer:
            for (int i = from; i <= end; i++) {
                for (int j = 0; j < pattern.length; j++) {
                    if (data[i + j] != pattern[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }

    static final class Regex extends TextRewrite {
        private final Pattern pattern;
        private final String replacement;
        private final int maxMatch;

        Regex(String regex, String replacement, int maxMatch) {
            this.pattern = Pattern.compile(regex);
            this.replacement = replacement;
            this.maxMatch = maxMatch;
        }

        @Override
        int window() {
            return 2 * maxMatch;
        }

        @Override
        public CarryOver.Step apply(ByteString data, boolean last) {
            String text = data.toString(StandardCharsets.ISO_8859_1);
            // A match ending in the last maxMatch bytes might grow with the next chunk: settle only earlier ones,
            // and hold back from the first unsettled match on.
            int settled = last ? text.length() : Math.max(0, text.length() - maxMatch);
            Matcher m = pattern.matcher(text);
            StringBuilder out = new StringBuilder(text.length());
            int from = 0;
            int consumed = settled;
            while (m.find()) {
                if (!last && m.end() > settled) {
                    consumed = Math.min(settled, m.start());
                    break;
                }
                m.appendReplacement(out, replacement);
                from = m.end();
            }
            consumed = Math.max(Math.max(consumed, from), last ? consumed : firstPossibleMatch(text, Math.max(consumed, from)));
            out.append(text, from, consumed);
            return new CarryOver.Step(ByteString.copyFrom(out.toString(), StandardCharsets.ISO_8859_1), consumed);
        }

        /**
         * Where in the unsettled tail a match starts or could start once more input arrives ({@link Matcher#hitEnd()}),
         * or the end of the text when none could: only that part needs holding back.
         */
        private int firstPossibleMatch(String text, int from) {
            Matcher m = pattern.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
            for (int start = from; start < text.length(); start++) {
                m.region(start, text.length());
                // A match here that was not settled above is still unreplaced: it must be held too.
                if (m.lookingAt() || m.hitEnd()) {
                    return start;
                }
            }
            return text.length();
        }
    }
}
