package io.sluice.stages;

import java.util.List;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.sluice.stage.Direction;

/**
 * {@code sluice.stage.json-redact.*}: which JSON fields are masked. A field starting with {@code /} is a JSON
 * pointer whose segments may be {@code *} (any name or index), e.g. {@code /users/* /ssn}; any other entry is a
 * field name masked at any depth, e.g. {@code password}.
 */
@ConfigMapping(prefix = "sluice.stage.json-redact")
public interface JsonRedactConfig {

    @WithDefault("password")
    List<String> fields();

    @WithDefault("***")
    String mask();

    @WithDefault("request,response")
    Set<Direction> directions();

    /**
     * A streamed JSON body is held until its end (JSON cannot be redacted piecewise); a longer one is answered
     * with 413 on the request path, or reset on the response path, never forwarded unredacted.
     */
    @WithDefault("1048576")
    int maxBodyBytes();
}
