package io.sluice.stages;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.Headers;
import io.sluice.stage.HeadersPhase;
import io.sluice.stage.Outcome;
import io.sluice.stage.RequestHeadersPhase;
import io.sluice.stage.Stage;

/**
 * A drop-in for the example ext-proc service that Envoy Gateway's "External Processing" task installs: tags
 * requests and responses with the headers and dynamic metadata that task and Envoy Gateway's e2e tests expect.
 */
@ApplicationScoped
@Identifier("eg-demo")
public class EnvoyGatewayDemoStage implements Stage {

    static final String CLIENT_HEADER = "x-request-client-header";

    private final EnvoyGatewayDemoConfig config;

    public EnvoyGatewayDemoStage(EnvoyGatewayDemoConfig config) {
        this.config = config;
    }

    @Override
    public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
        Headers headers = phase.headers();
        ExchangeContext exchange = phase.exchange();
        headers.set("x-request-ext-processed", "true");
        exchange.attribute("xds.route_name").ifPresent(route -> headers.set("x-request-xds-route-name", route));
        headers.get(CLIENT_HEADER).ifPresent(original -> {
            headers.set(CLIENT_HEADER, "mutated");
            headers.set("x-request-client-header-received", original);
        });
        phase.emitMetadata(config.metadataNamespace(), "ext-proc-emitted-metadata", "received");
        return Outcome.proceed();
    }

    @Override
    public Uni<Outcome> onResponseHeaders(HeadersPhase phase) {
        Headers headers = phase.headers();
        ExchangeContext exchange = phase.exchange();
        headers.set("x-response-ext-processed", "true");
        exchange.attribute("xds.route_name").ifPresent(route -> headers.set("x-response-xds-route-name", route));
        exchange.metadata("envoy.filters.http.rbac", "enforced_engine_result")
                .ifPresent(result -> headers.set("x-response-rbac-result-metadata", result.getStringValue()));
        exchange.attribute("request.path").ifPresent(path -> headers.set("x-response-request-path", path));
        phase.emitMetadata(config.metadataNamespace(), "request_cost_set_by_ext_proc", config.requestCost());
        return Outcome.proceed();
    }
}
