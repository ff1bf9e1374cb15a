package io.sluice.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What Envoy Gateway thinks of the resources it was given, from the status its translator writes: every
 * condition that says something is wrong, and every resource it should have judged but left without a status
 * (Envoy Gateway's way of ignoring a policy that attaches to nothing).
 */
final class EnvoyGatewayStatus {

    /** Output sections of the kinds Envoy Gateway writes a status for. */
    private static final List<String> JUDGED = List.of("envoyProxyForGatewayClass", "gatewayClass", "gateways", "httpRoutes",
            "envoyExtensionPolicies", "backendTLSPolicies", "backends");

    /** Conditions that are good when False. */
    private static final Set<String> NEGATIVE = Set.of("Conflicted", "Overlapped", "OverlappingTLSConfig");

    private EnvoyGatewayStatus() {
    }

    /**
     * One line per bad condition or unjudged resource in a translation result (whose top level holds the resources
     * by kind); empty when Envoy Gateway accepted everything. A condition whose type is not known to be negative
     * must be True: Envoy Gateway v1.9.1 writes a refused Backend as type {@code Invalid}, status False (type and
     * reason swapped), which a check for {@code Accepted=False} alone would miss.
     */
    static List<String> problems(JsonNode resources) {
        List<String> problems = new ArrayList<>();
        for (String section : JUDGED) {
            JsonNode node = resources.path(section);
            for (JsonNode resource : node.isArray() ? node : List.of(node)) {
                if (resource.isMissingNode()) {
                    continue;
                }
                String id = resource.path("kind").asText() + " " + resource.path("metadata").path("namespace").asText()
                        + "/" + resource.path("metadata").path("name").asText();
                List<JsonNode> conditions = new ArrayList<>();
                collectConditions(resource.path("status"), conditions);
                if (conditions.isEmpty()) {
                    problems.add(id + ": no status condition (ignored by Envoy Gateway)");
                }
                for (JsonNode c : conditions) {
                    String type = c.path("type").asText();
                    String good = NEGATIVE.contains(type) ? "False" : "True";
                    if (!c.path("status").asText().equals(good)) {
                        problems.add(id + ": " + type + "=" + c.path("status").asText() + " (" + c.path("reason").asText()
                                + ": " + c.path("message").asText() + ")");
                    }
                }
            }
        }
        return problems;
    }

    /** How many resources of each judged kind the output holds, to compare with the input. */
    static Map<String, Integer> counts(JsonNode resources) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String section : JUDGED) {
            JsonNode node = resources.path(section);
            for (JsonNode resource : node.isArray() ? node : List.of(node)) {
                if (!resource.isMissingNode()) {
                    counts.merge(resource.path("kind").asText(), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    private static void collectConditions(JsonNode node, List<JsonNode> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("conditions") && e.getValue().isArray()) {
                    e.getValue().forEach(into::add);
                } else {
                    collectConditions(e.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectConditions(n, into));
        }
    }
}
