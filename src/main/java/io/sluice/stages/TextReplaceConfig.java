package io.sluice.stages;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.sluice.stage.Direction;

/**
 * {@code sluice.stage.text-replace.*}: replacements applied to text bodies as they stream, e.g.
 * {@code rules[0].literal=internal.example.com} and {@code rules[0].replacement=www.example.com}.
 */
@ConfigMapping(prefix = "sluice.stage.text-replace")
public interface TextReplaceConfig {

    List<Rule> rules();

    /** Which bodies: {@code request}, {@code response} or both. */
    @WithDefault("response")
    Set<Direction> directions();

    /** Content types (prefixes, case-insensitive) whose bodies are rewritten; others pass untouched. */
    @WithDefault("text/,application/json,application/xml,application/javascript")
    List<String> contentTypes();

    /**
     * The longest text a regex rule may match. Bytes held between chunks stay under twice this, whatever the
     * body size; a longer match that crosses a chunk boundary is not guaranteed to be found.
     */
    @WithDefault("256")
    int maxMatchBytes();

    interface Rule {
        /** Exact text (UTF-8 bytes); found across chunk boundaries whatever its length. */
        Optional<String> literal();

        /** A Java regex over the body's bytes read as ISO-8859-1, so use it for ASCII patterns. */
        Optional<String> regex();

        String replacement();
    }
}
