package io.sluice.stages;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code sluice.stage.body-limit.*}: the most body bytes one exchange may carry per direction. */
@ConfigMapping(prefix = "sluice.stage.body-limit")
public interface BodyLimitConfig {

    /** Request body bytes allowed; more is answered with {@link #requestStatus()}. */
    @WithDefault("10485760")
    long maxRequestBytes();

    /** Response body bytes allowed; more is answered with {@link #responseStatus()}. */
    @WithDefault("104857600")
    long maxResponseBytes();

    @WithDefault("413")
    int requestStatus();

    /** Once the response headers have reached the client, Envoy can only reset the stream. */
    @WithDefault("502")
    int responseStatus();
}
