package io.sluice.stages;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code sluice.stage.eg-demo.*}: the Envoy Gateway example processor's behaviour. */
@ConfigMapping(prefix = "sluice.stage.eg-demo")
public interface EnvoyGatewayDemoConfig {

    /** The dynamic metadata namespace Envoy Gateway's e2e tests receive. */
    @WithDefault("io.envoyproxy.gateway.e2e")
    String metadataNamespace();

    /** Emitted on response headers as {@code request_cost_set_by_ext_proc}. */
    @WithDefault("10")
    int requestCost();
}
