package com.example.stages;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code sluice.stage.request-id.*} */
@ConfigMapping(prefix = "sluice.stage.request-id")
public interface RequestIdConfig {

    @WithDefault("x-request-id")
    String header();
}
