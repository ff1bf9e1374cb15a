package io.sluice.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.sluice.config.SluiceConfig;
import io.sluice.pipeline.Pipeline;
import io.sluice.pipeline.PipelineSelector;
import io.sluice.stage.ExchangeContext;

class WarmUpRoutesTest {

    record Routing(Map<String, String> byRouteName, Map<String, String> byAuthority, Map<String, String> byPathPrefix)
            implements SluiceConfig.Routing {
        @Override
        public String defaultPipeline() {
            return "default";
        }
    }

    /** Stands in for PipelineRegistry's precedence: route name, then authority, then the longest prefix. */
    static PipelineSelector selector(Routing routing) {
        return (ExchangeContext exchange) -> {
            String name = exchange.attribute("xds.route_name").map(routing.byRouteName()::get)
                    .or(() -> exchange.authority().map(routing.byAuthority()::get))
                    .or(() -> routing.byPathPrefix().entrySet().stream()
                            .filter(e -> exchange.path().orElse("").startsWith(e.getKey()))
                            .max((a, b) -> a.getKey().length() - b.getKey().length()).map(Map.Entry::getValue))
                    .orElse(routing.defaultPipeline());
            return new Pipeline(name, List.of());
        };
    }

    @Test
    void everyPipelineTheRoutingReachesGetsARouteThatTheSelectorSendsThere() {
        Routing routing = new Routing(Map.of("httproute/default/api/rule/0", "by-route"),
                Map.of("shop.example.com", "by-host"),
                Map.of("/a", "short-prefix", "/a/b", "long-prefix", "no-slash", "unreachable"));
        PipelineSelector selector = selector(routing);

        Map<String, WarmUpRoute> routes = WarmUpRoutes.find(routing, selector);

        assertThat(routes.keySet()).containsExactlyInAnyOrder("default", "by-route", "by-host", "short-prefix",
                "long-prefix");
        assertThat(routes.keySet()).first().isEqualTo("default");
        routes.forEach((pipeline, route) -> assertThat(selector.select(route.facts()).name()).isEqualTo(pipeline));
        assertThat(routes.get("by-route").routeName()).contains("httproute/default/api/rule/0");
        assertThat(routes.get("by-host").authority()).isEqualTo("shop.example.com");
        assertThat(routes.get("short-prefix").path()).isEqualTo("/a");
        assertThat(routes.get("default").authority()).isEqualTo("sluice-warm-up.invalid");
    }

    @Test
    void aDefaultPipelineNoRequestCanReachIsNotWarmedUp() {
        Routing routing = new Routing(Map.of(), Map.of(), Map.of("/", "everything"));

        assertThat(WarmUpRoutes.find(routing, selector(routing)).keySet()).containsExactly("everything");
    }

    @Test
    void theRouteIsAWarmUpExchangeToTheSelector() {
        ExchangeContext facts = new WarmUpRoute("h", "/p", Optional.of("r")).facts();
        assertThat(facts.warmUp()).isTrue();
        assertThat(facts.requestHeader(":authority")).contains("h");
        assertThat(facts.attributeValue("xds.route_name").map(v -> v.getStringValue())).contains("r");
    }
}
