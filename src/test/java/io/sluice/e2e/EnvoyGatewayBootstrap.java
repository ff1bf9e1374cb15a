package io.sluice.e2e;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A static Envoy bootstrap made of the xDS Envoy Gateway renders for a Gateway's listener: its listener, routes and
 * clusters unchanged, except what only a cluster can provide. RDS becomes the inline route configuration, EDS the
 * inline endpoints, each cluster's endpoints an address on this machine given by the test, and the listener binds
 * an ephemeral port on 127.0.0.1. SDS becomes static secrets: what Envoy Gateway would serve for each secret a
 * cluster names, built as its translator builds it, from its IR. Envoy Gateway's own bootstrap (xDS client, its
 * ready listener, stats sinks) is left out.
 */
final class EnvoyGatewayBootstrap {

    /** The quickstart Gateway's HTTP listener, which the shipped HTTPRoute attaches to. */
    static final String LISTENER = "default/eg/http";
    /** The cluster of the shipped HTTPRoute's only rule: the task's backend. */
    static final String BACKEND_CLUSTER = "httproute/default/myapp/rule/0";

    private static final ObjectMapper JSON = new ObjectMapper();

    private EnvoyGatewayBootstrap() {
    }

    /**
     * {@link #LISTENER} with the task's backend at {@code 127.0.0.1:upstreamPort} and the ext_proc cluster at
     * {@code sluice} ({@code 127.0.0.1:<port>} or {@code unix:<path>}).
     */
    static String forSluice(EnvoyGatewayXds xds, int upstreamPort, String sluice) {
        return of(xds, LISTENER, Map.of(BACKEND_CLUSTER, "127.0.0.1:" + upstreamPort,
                EnvoyGatewayTranslationIT.extProcCluster(xds), sluice));
    }

    /**
     * @param listener the Envoy Gateway listener to run, e.g. {@code default/eg/http}
     * @param endpoints for every cluster in the translation, the address that stands for its endpoints:
     *                  {@code 127.0.0.1:<port>} or {@code unix:<path>}; a cluster without one fails, so that nothing
     *                  is left pointing at a cluster address
     */
    static String of(EnvoyGatewayXds xds, String listener, Map<String, String> endpoints) {
        ObjectNode bootstrap = JSON.createObjectNode();
        bootstrap.putObject("admin").set("address", socketAddress(0));
        ObjectNode resources = bootstrap.putObject("staticResources");

        ObjectNode l = untyped(xds.listeners().stream().filter(n -> n.path("name").asText().equals(listener)).findFirst()
                .orElseThrow(() -> new AssertionError("no listener " + listener + " in the translation")));
        l.set("address", socketAddress(0));
        for (JsonNode hcm : l.findParents("rds")) {
            String routeName = hcm.path("rds").path("routeConfigName").asText();
            ObjectNode routes = untyped(xds.routeConfigs().stream().filter(r -> r.path("name").asText().equals(routeName))
                    .findFirst().orElseThrow(() -> new AssertionError("no route configuration " + routeName)));
            ((ObjectNode) hcm).remove("rds");
            ((ObjectNode) hcm).set("routeConfig", routes);
        }
        resources.putArray("listeners").add(l);

        ArrayNode clusters = resources.putArray("clusters");
        for (JsonNode translated : xds.clusters()) {
            String name = translated.path("name").asText();
            String local = endpoints.get(name);
            if (local == null) {
                throw new AssertionError("no local address for cluster " + name + " (given: " + endpoints.keySet() + ")");
            }
            ObjectNode cluster = untyped(translated);
            ObjectNode assignment = untyped(xds.loadAssignment(name));
            assignment.path("endpoints").forEach(locality -> locality.path("lbEndpoints").forEach(
                    e -> ((ObjectNode) e.path("endpoint")).set("address", address(local))));
            if (cluster.remove("edsClusterConfig") != null) {
                cluster.put("type", "STATIC");
            }
            cluster.set("loadAssignment", assignment);
            clusters.add(cluster);
        }
        staticSecrets(xds, clusters, resources);
        return bootstrap.toPrettyString();
    }

    /**
     * Every SDS reference in the clusters loses its {@code sdsConfig}, which makes Envoy look the name up among the
     * bootstrap's static secrets, and each named CA becomes one, as Envoy Gateway's {@code buildXdsUpstreamTLSCASecret}
     * builds it: a validation context whose {@code trusted_ca} is the CA bundle inline. A name the IR holds no CA for
     * fails, so that no reference is left dangling.
     */
    private static void staticSecrets(EnvoyGatewayXds xds, ArrayNode clusters, ObjectNode resources) {
        Map<String, String> cas = xds.caCertificates();
        ArrayNode secrets = JSON.createArrayNode();
        for (JsonNode reference : clusters.findParents("sdsConfig")) {
            String name = reference.path("name").asText();
            ((ObjectNode) reference).remove("sdsConfig");
            String ca = cas.get(name);
            if (ca == null) {
                throw new AssertionError("SDS secret " + name + " is not a CA of Envoy Gateway's IR (CAs: " + cas.keySet() + ")");
            }
            if (secrets.findValuesAsText("name").contains(name)) {
                continue;
            }
            ObjectNode secret = secrets.addObject().put("name", name);
            secret.putObject("validationContext").putObject("trustedCa").put("inlineBytes", ca);
        }
        if (!secrets.isEmpty()) {
            resources.set("secrets", secrets);
        }
    }

    private static ObjectNode address(String local) {
        if (local.startsWith("unix:")) {
            ObjectNode address = JSON.createObjectNode();
            address.putObject("pipe").put("path", local.substring("unix:".length()));
            return address;
        }
        return socketAddress(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1)));
    }

    private static ObjectNode socketAddress(int port) {
        ObjectNode address = JSON.createObjectNode();
        address.putObject("socketAddress").put("address", "127.0.0.1").put("portValue", port);
        return address;
    }

    /** A copy without the top-level {@code @type}, which only an {@code Any} may carry. */
    private static ObjectNode untyped(JsonNode node) {
        ObjectNode copy = node.deepCopy();
        copy.remove("@type");
        return copy;
    }
}
