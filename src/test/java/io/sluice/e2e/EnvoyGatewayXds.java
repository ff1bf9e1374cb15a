package io.sluice.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The xDS Envoy Gateway renders for one Gateway, read from {@code egctl x translate}'s config dump (protobuf
 * JSON: camelCase field names, defaults left out), with Envoy Gateway's intermediate representation of the same
 * Gateway ({@code ir}), which holds what Envoy Gateway serves over SDS and the config dump leaves out.
 */
record EnvoyGatewayXds(JsonNode dump, JsonNode ir) {

    static final String EXT_PROC_TYPE = "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor";
    static final String HCM_TYPE = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";

    /** The dump for Gateway {@code default/eg} in a translation result. */
    static EnvoyGatewayXds of(JsonNode translation) {
        JsonNode dump = translation.path("xds").path("default/eg");
        if (dump.isMissingNode()) {
            throw new AssertionError("no xDS for Gateway default/eg; translated: " + translation.path("xds").fieldNames());
        }
        return new EnvoyGatewayXds(dump, translation.path("xdsIR").path("default/eg"));
    }

    /**
     * The CA bundles Envoy Gateway serves over SDS for BackendTLSPolicies, by secret name: each is the IR's
     * {@code caCertificate} (PEM, base64 as JSON writes bytes), which its translator
     * ({@code buildXdsUpstreamTLSCASecret}) sends as a validation-context secret with {@code trusted_ca} inline.
     */
    Map<String, String> caCertificates() {
        Map<String, String> found = new TreeMap<>();
        for (JsonNode ca : ir.findValues("caCertificate")) {
            found.put(ca.path("name").asText(), ca.path("certificate").asText());
        }
        return found;
    }

    JsonNode section(String typeSuffix) {
        for (JsonNode config : dump.path("configs")) {
            if (config.path("@type").asText().endsWith(typeSuffix)) {
                return config;
            }
        }
        throw new AssertionError("no " + typeSuffix + " in the config dump");
    }

    List<JsonNode> listeners() {
        return collect(section("ListenersConfigDump").path("dynamicListeners"), l -> l.path("activeState").path("listener"));
    }

    List<JsonNode> routeConfigs() {
        return collect(section("RoutesConfigDump").path("dynamicRouteConfigs"), r -> r.path("routeConfig"));
    }

    List<JsonNode> clusters() {
        return collect(section("ClustersConfigDump").path("dynamicActiveClusters"), c -> c.path("cluster"));
    }

    List<JsonNode> endpoints() {
        return collect(section("EndpointsConfigDump").path("dynamicEndpointConfigs"), e -> e.path("endpointConfig"));
    }

    /** Every HTTP filter, in the order of each listener's connection managers, whose name matches. */
    List<JsonNode> httpFilters(Predicate<String> name) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode listener : listeners()) {
            List<JsonNode> chains = new ArrayList<>();
            listener.path("filterChains").forEach(chains::add);
            if (listener.has("defaultFilterChain")) {
                chains.add(listener.path("defaultFilterChain"));
            }
            for (JsonNode chain : chains) {
                for (JsonNode filter : chain.path("filters")) {
                    JsonNode config = filter.path("typedConfig");
                    if (config.path("@type").asText().equals(HCM_TYPE)) {
                        config.path("httpFilters").forEach(f -> {
                            if (name.test(f.path("name").asText())) {
                                found.add(f);
                            }
                        });
                    }
                }
            }
        }
        return found;
    }

    /** The route of that name in any route configuration. */
    JsonNode route(String name) {
        for (JsonNode config : routeConfigs()) {
            for (JsonNode host : config.path("virtualHosts")) {
                for (JsonNode route : host.path("routes")) {
                    if (route.path("name").asText().equals(name)) {
                        return route;
                    }
                }
            }
        }
        throw new AssertionError("no route " + name + " in the config dump");
    }

    JsonNode cluster(String name) {
        return clusters().stream().filter(c -> c.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no cluster " + name + "; clusters: "
                        + clusters().stream().map(c -> c.path("name").asText()).toList()));
    }

    /** A cluster's endpoints, inline (STATIC) or from the endpoint section (EDS). */
    JsonNode loadAssignment(String cluster) {
        JsonNode inline = cluster(cluster).path("loadAssignment");
        if (!inline.isMissingNode()) {
            return inline;
        }
        return endpoints().stream().filter(e -> e.path("clusterName").asText().equals(cluster)).findFirst()
                .orElseThrow(() -> new AssertionError("no endpoints for cluster " + cluster));
    }

    private static List<JsonNode> collect(JsonNode array, Function<JsonNode, JsonNode> inner) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(n -> out.add(inner.apply(n)));
        return out;
    }
}
