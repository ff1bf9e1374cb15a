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
        private final byte[] replacement;

        Literal(String pattern, String replacement) {
            if (pattern.isEmpty()) {
                throw new IllegalArgumentException("sluice.stage.text-replace.rules: literal must not be empty");
            }
            this.pattern = pattern.getBytes(StandardCharsets.UTF_8);
            this.replacement = replacement.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        int window() {
            return pattern.length - 1;
        }

        @Override
        public CarryOver.Step apply(ByteString chunk, boolean last) {
            byte[] data = chunk.toByteArray();
            ByteString.Output out = ByteString.newOutput(data.length);
            int from = 0;
            for (int at = indexOf(data, from); at >= 0; at = indexOf(data, from)) {
                out.write(data, from, at - from);
                out.write(replacement, 0, replacement.length);
                from = at + pattern.length;
            }
            // A match may start in the last pattern-1 bytes and end in the next chunk: hold those back.
            int consumed = last ? data.length : Math.max(from, data.length - window());
            out.write(data, from, consumed - from);
            return new CarryOver.Step(out.toByteString(), consumed);
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
            consumed = Math.max(consumed, from);
            out.append(text, from, consumed);
            return new CarryOver.Step(ByteString.copyFrom(out.toString(), StandardCharsets.ISO_8859_1), consumed);
        }
    }
}
