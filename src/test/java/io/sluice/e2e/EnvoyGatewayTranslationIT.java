package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.sluice.testing.Packaged;

/**
 * Every Envoy Gateway pattern shipped in {@code kubernetes/envoy-gateway/}, through Envoy Gateway's own translator
 * ({@code egctl x translate}, the version the pom pins): Envoy Gateway must accept every resource, and the ext_proc
 * filter and cluster it renders are what the README and the test bootstraps that stand for Envoy Gateway assume.
 */
@Packaged
class EnvoyGatewayTranslationIT {

    static final String ROUTE = "httproute/default/myapp/rule/0/match/0/www_example_com";

    /** How {@link EnvoyGatewayStatus#problems} names the shipped loopback Backend. */
    static final String LOOPBACK_BACKEND = "Backend envoy-gateway-system/extproc:";

    static Stream<EnvoyGatewayPattern> patterns() {
        return EnvoyGatewayPattern.all();
    }

    static Stream<EnvoyGatewayPattern> sidecars() {
        return Stream.of(EnvoyGatewayPattern.sidecarLoopback(), EnvoyGatewayPattern.sidecarUnixSocket());
    }

    /** Each input once (about a second a translation): the tests only read the result. */
    static final Map<String, JsonNode> TRANSLATED = new HashMap<>();

    static JsonNode translate(EnvoyGatewayPattern pattern) throws Exception {
        return TRANSLATED.computeIfAbsent(pattern.yaml(), Egctl::translate);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patterns")
    void envoyGatewayAcceptsEveryResource(EnvoyGatewayPattern pattern) throws Exception {
        JsonNode translation = translate(pattern);
        assertThat(EnvoyGatewayStatus.problems(translation)).as("conditions Envoy Gateway reports")
                .filteredOn(p -> !p.startsWith(LOOPBACK_BACKEND))
                .isEmpty();
        assertThat(EnvoyGatewayStatus.counts(translation)).as("judged resources, against the input")
                .isEqualTo(judgedInputCounts(pattern));
    }

    /**
     * The one refusal the shipped resources get, kept visible rather than filtered silently: Envoy Gateway on
     * Kubernetes refuses a Backend on a loopback address (the task's own {@code extproc}), yet renders its
     * endpoint into the ext_proc cluster all the same, so the sidecar over 127.0.0.1 works while the Backend
     * shows Accepted False. The Unix-socket Backend has no such check.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("sidecars")
    void theLoopbackBackendIsRefusedButStillRendered(EnvoyGatewayPattern pattern) throws Exception {
        JsonNode translation = translate(pattern);
        assertThat(EnvoyGatewayStatus.problems(translation)).filteredOn(p -> p.startsWith(LOOPBACK_BACKEND))
                .singleElement().asString()
                .contains("Invalid=False", "loopback range is only supported when using the Host infrastructure");
        if (pattern.name().contains("127.0.0.1")) {
            EnvoyGatewayXds xds = EnvoyGatewayXds.of(translation);
            assertThat(endpointAddresses(xds, extProcCluster(xds))).containsExactly("127.0.0.1:9002");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patterns")
    void theExtProcFilterIsThePolicysAndNothingMore(EnvoyGatewayPattern pattern) throws Exception {
        EnvoyGatewayXds xds = EnvoyGatewayXds.of(translate(pattern));
        String filterName = "envoy.filters.http.ext_proc/envoyextensionpolicy/default/"
                + pattern.policy().path("metadata").path("name").asText() + "/extproc/0";
        assertThat(xds.httpFilters(n -> n.contains("ext_proc"))).extracting(f -> f.path("name").asText())
                .containsExactly(filterName);
        JsonNode filter = xds.httpFilters(filterName::equals).get(0);
        // Off on the listener, on for the policy's route only: www.example.com, /myapp as a path segment.
        assertThat(filter.path("disabled").asBoolean()).isTrue();
        JsonNode route = xds.route(ROUTE);
        assertThat(route.path("typedPerFilterConfig").has(filterName)).isTrue();
        assertThat(route.path("match").path("pathSeparatedPrefix").asText()).isEqualTo("/myapp");
        List<String> virtualHosts = new ArrayList<>();
        xds.routeConfigs().forEach(c -> c.path("virtualHosts").forEach(h -> virtualHosts.add(h.path("name").asText())));
        assertThat(virtualHosts).containsExactly("default/eg/http/www_example_com");

        JsonNode config = filter.path("typedConfig");
        assertThat(config.path("@type").asText()).isEqualTo(EnvoyGatewayXds.EXT_PROC_TYPE);
        // The policy sets neither messageTimeout nor failOpen: Envoy's 200 ms and fail-closed apply.
        assertThat(config.has("messageTimeout")).as("message_timeout in " + config).isFalse();
        assertThat(config.path("failureModeAllow").asBoolean(false)).isFalse();
        assertThat(config.has("allowModeOverride")).isFalse();
        // No attributes: Sluice gets no xds.route_name and no request.path from Envoy Gateway by default.
        assertThat(config.has("requestAttributes")).as("request_attributes in " + config).isFalse();
        assertThat(config.has("responseAttributes")).as("response_attributes in " + config).isFalse();
        assertThat(config.has("metadataOptions")).isFalse();
        JsonNode mode = config.path("processingMode");
        assertThat(mode.path("requestHeaderMode").asText()).isEqualTo("SEND");
        assertThat(mode.path("responseHeaderMode").asText()).isEqualTo("SEND");
        assertThat(mode.path("requestBodyMode").asText("NONE")).isEqualTo("NONE");
        assertThat(mode.path("responseBodyMode").asText()).isEqualTo("STREAMED");
        assertThat(mode.path("requestTrailerMode").asText()).isEqualTo("SKIP");
        assertThat(mode.path("responseTrailerMode").asText()).isEqualTo("SKIP");
        assertThat(config.path("grpcService").path("timeout").asText()).isEqualTo("10s");
        JsonNode backendRef = pattern.policy().path("spec").path("extProc").path(0).path("backendRefs").path(0);
        assertThat(config.path("grpcService").path("envoyGrpc").path("authority").asText())
                .isEqualTo(backendRef.path("name").asText() + "." + backendRef.path("namespace").asText("default") + ":9002");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patterns")
    void theClusterToSluiceHasEnvoyGatewaysFlowControl(EnvoyGatewayPattern pattern) throws Exception {
        EnvoyGatewayXds xds = EnvoyGatewayXds.of(translate(pattern));
        JsonNode cluster = xds.cluster(extProcCluster(xds));
        assertThat(ExtProcClusterSettings.of(ExtProcClusterSettings.ENVOY_GATEWAY, cluster)).as("flow control in " + cluster)
                .isEqualTo(new ExtProcClusterSettings(ExtProcClusterSettings.ENVOY_GATEWAY, 64 * 1024, 1024 * 1024, 32 * 1024,
                        "LEAST_REQUEST", "10s"));
        assertThat(cluster.has("healthChecks")).as("health checks in " + cluster).isFalse();
        assertThat(cluster.has("outlierDetection")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patterns")
    void theEndpointIsWhereThePatternPutsSluice(EnvoyGatewayPattern pattern) throws Exception {
        EnvoyGatewayXds xds = EnvoyGatewayXds.of(translate(pattern));
        String expected = switch (pattern.name()) {
            case "sidecar over 127.0.0.1" -> "127.0.0.1:9002";
            case "sidecar over the Unix socket" -> "unix:/var/run/sluice/ext-proc.sock";
            default -> EnvoyGatewayPattern.SLUICE_CLUSTER_IP + ":9002";
        };
        assertThat(endpointAddresses(xds, extProcCluster(xds))).containsExactly(expected);
    }

    /** BackendTLSPolicy: the SNI and name it sets, checked against a CA that Envoy Gateway serves over SDS. */
    @Test
    void theTlsPatternChecksSluicesNameAgainstThePolicysCa() throws Exception {
        EnvoyGatewayXds xds = EnvoyGatewayXds.of(translate(EnvoyGatewayPattern.separateServiceTls()));
        JsonNode cluster = xds.cluster(extProcCluster(xds));
        assertThat(cluster.path("transportSocketMatches")).hasSize(1);
        JsonNode tls = cluster.path("transportSocketMatches").path(0).path("transportSocket").path("typedConfig");
        assertThat(tls.path("sni").asText()).isEqualTo("grpc-ext-proc.envoygateway");
        JsonNode validation = tls.path("commonTlsContext").path("combinedValidationContext");
        assertThat(validation.path("defaultValidationContext").path("matchTypedSubjectAltNames").findValuesAsText("exact"))
                .containsExactly("grpc-ext-proc.envoygateway");
        assertThat(validation.path("validationContextSdsSecretConfig").path("name").asText())
                .isEqualTo("grpc-ext-proc-btls/default-ca");
        // What Envoy Gateway would serve under that name is the ConfigMap's bundle, byte for byte.
        String shippedCa = EnvoyGatewayPattern.separateServiceTls().resources().stream()
                .filter(d -> d.path("kind").asText().equals("ConfigMap")).findFirst().orElseThrow()
                .path("data").path("ca.crt").asText();
        assertThat(xds.caCertificates()).containsOnlyKeys("grpc-ext-proc-btls/default-ca");
        assertThat(new String(Base64.getDecoder().decode(xds.caCertificates().get("grpc-ext-proc-btls/default-ca")),
                StandardCharsets.US_ASCII)).isEqualTo(shippedCa);
        assertThat(tls.path("commonTlsContext").path("tlsParams").path("tlsMinimumProtocolVersion").asText()).isEqualTo("TLSv1_2");
        assertThat(tls.path("commonTlsContext").has("alpnProtocols")).isFalse();
        // Every endpoint is matched to that socket; the cluster's own is a placeholder.
        List<String> matched = new ArrayList<>();
        xds.loadAssignment(extProcCluster(xds)).path("endpoints").forEach(locality -> locality.path("lbEndpoints")
                .forEach(e -> matched.add(e.path("metadata").path("filterMetadata").path("envoy.transport_socket_match")
                        .path("name").asText())));
        assertThat(matched).containsExactly(cluster.path("transportSocketMatches").path(0).path("name").asText());
    }

    /** The "unless": every policy field the README maps to Sluice's behaviour, and what it renders. */
    @Test
    void thePolicyFieldsTheReadmeMapsAreRenderedWhenSet() throws Exception {
        EnvoyGatewayPattern pattern = EnvoyGatewayPattern.separateService().withActiveGrpcHealthCheck();
        ObjectNode extProc = (ObjectNode) pattern.policy().path("spec").path("extProc").path(0);
        extProc.put("messageTimeout", "750ms").put("failOpen", true);
        ObjectNode mode = (ObjectNode) extProc.path("processingMode");
        mode.put("allowModeOverride", true);
        ((ObjectNode) mode.path("request")).putArray("attributes").add("xds.route_name").add("request.path");
        ((ObjectNode) mode.path("response")).putArray("attributes").add("request.path");
        ObjectNode metadata = extProc.putObject("metadata");
        metadata.putArray("accessibleNamespaces").add("io.sluice.enrichment");
        metadata.putArray("writableNamespaces").add("io.sluice.enrichment");

        JsonNode translation = translate(pattern);
        assertThat(EnvoyGatewayStatus.problems(translation)).isEmpty();
        EnvoyGatewayXds xds = EnvoyGatewayXds.of(translation);
        JsonNode config = xds.httpFilters(n -> n.contains("ext_proc")).get(0).path("typedConfig");
        assertThat(config.path("messageTimeout").asText()).isEqualTo("0.750s");
        assertThat(config.path("failureModeAllow").asBoolean()).isTrue();
        assertThat(config.path("allowModeOverride").asBoolean()).isTrue();
        assertThat(config.path("requestAttributes")).extracting(JsonNode::asText).containsExactly("xds.route_name", "request.path");
        assertThat(config.path("responseAttributes")).extracting(JsonNode::asText).containsExactly("request.path");
        // Envoy sends the accessible namespaces to Sluice and takes Sluice's metadata only in the writable ones.
        assertThat(config.path("metadataOptions").path("forwardingNamespaces").path("untyped"))
                .extracting(JsonNode::asText).containsExactly("io.sluice.enrichment");
        assertThat(config.path("metadataOptions").path("receivingNamespaces").path("untyped"))
                .extracting(JsonNode::asText).containsExactly("io.sluice.enrichment");
        // An active gRPC check with no service name asks Sluice's health service for "": every 3 s, down after 3.
        JsonNode checks = xds.cluster(extProcCluster(xds)).path("healthChecks");
        assertThat(checks).hasSize(1);
        JsonNode check = checks.path(0);
        assertThat(check.path("grpcHealthCheck").path("serviceName").asText("")).isEmpty();
        assertThat(check.has("grpcHealthCheck")).isTrue();
        assertThat(check.path("interval").asText()).isEqualTo("3s");
        assertThat(check.path("timeout").asText()).isEqualTo("1s");
        assertThat(check.path("unhealthyThreshold").asInt()).isEqualTo(3);
        assertThat(check.path("healthyThreshold").asInt()).isEqualTo(1);
    }

    /** The task's sidecar policy has no processingMode: Envoy then sends Sluice nothing at all. */
    @Test
    void withoutAProcessingModeEverythingIsSkipped() throws Exception {
        EnvoyGatewayPattern pattern = EnvoyGatewayPattern.separateService();
        ((ObjectNode) pattern.policy().path("spec").path("extProc").path(0)).remove("processingMode");
        EnvoyGatewayXds xds = EnvoyGatewayXds.of(translate(pattern));
        JsonNode mode = xds.httpFilters(n -> n.contains("ext_proc")).get(0).path("typedConfig").path("processingMode");
        assertThat(List.of("requestHeaderMode", "responseHeaderMode", "requestTrailerMode", "responseTrailerMode"))
                .allSatisfy(field -> assertThat(mode.path(field).asText()).as(field).isEqualTo("SKIP"));
        assertThat(mode.path("requestBodyMode").asText("NONE")).isEqualTo("NONE");
        assertThat(mode.path("responseBodyMode").asText("NONE")).isEqualTo("NONE");
    }

    static List<String> endpointAddresses(EnvoyGatewayXds xds, String cluster) {
        List<String> addresses = new ArrayList<>();
        for (JsonNode address : xds.loadAssignment(cluster).findValues("address")) {
            if (address.has("socketAddress")) {
                addresses.add(address.path("socketAddress").path("address").asText() + ":"
                        + address.path("socketAddress").path("portValue").asInt());
            } else if (address.has("pipe")) {
                addresses.add("unix:" + address.path("pipe").path("path").asText());
            }
        }
        return addresses;
    }

    static String extProcCluster(EnvoyGatewayXds xds) {
        JsonNode filter = xds.httpFilters(n -> n.contains("ext_proc")).get(0);
        return filter.path("typedConfig").path("grpcService").path("envoyGrpc").path("clusterName").asText();
    }

    private static Map<String, Integer> judgedInputCounts(EnvoyGatewayPattern pattern) {
        Map<String, Integer> counts = new TreeMap<>();
        for (JsonNode doc : pattern.resources()) {
            String kind = doc.path("kind").asText();
            if (Stream.of("EnvoyProxy", "GatewayClass", "Gateway", "HTTPRoute", "EnvoyExtensionPolicy", "BackendTLSPolicy", "Backend")
                    .anyMatch(kind::equals)) {
                counts.merge(kind, 1, Integer::sum);
            }
        }
        return counts;
    }
}
