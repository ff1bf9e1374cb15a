package io.sluice.deploy;

import static io.sluice.deploy.SluiceWiring.GRPC_PORT;
import static io.sluice.deploy.SluiceWiring.GRPC_PORT_NAME;
import static io.sluice.deploy.SluiceWiring.HTTP_PORT;
import static io.sluice.deploy.SluiceWiring.HTTP_PORT_NAME;
import static io.sluice.deploy.SluiceWiring.LOOPBACK;
import static io.sluice.deploy.SluiceWiring.NAMESPACE;
import static io.sluice.deploy.SluiceWiring.SERVICE;
import static io.sluice.deploy.SluiceWiring.SOCKET;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The resources under {@code kubernetes/} point at Sluice by the names and ports it serves, reference each other
 * consistently, and carry the settings of the documents they follow (Envoy Gateway's task, Gloo's example).
 * {@code GeneratedServiceIT} checks the same references against the Service that {@code package} generates.
 */
class SluiceWiringTest {

    private static final SluiceWiring WIRING = SluiceWiring.ofRepository();

    @Test
    void everyServiceReferenceIsSluiceGrpcPort() {
        List<SluiceWiring.ServiceRef> refs = WIRING.serviceRefs();
        assertThat(refs).extracting(r -> r.from().source())
                .anyMatch(s -> s.startsWith("kubernetes/envoy-gateway/separate-service/envoyextensionpolicy.yaml"))
                .anyMatch(s -> s.startsWith("kubernetes/gloo/upstream.yaml"))
                .anyMatch(s -> s.startsWith("kubernetes/kgateway/gatewayextension.yaml"));
        assertThat(refs).allSatisfy(r -> {
            assertThat(r.name()).as(r.toString()).isEqualTo(SERVICE);
            assertThat(r.namespace()).as(r.toString()).isEqualTo(NAMESPACE);
            assertThat(r.port()).as(r.toString()).isEqualTo(GRPC_PORT);
        });
    }

    @Test
    void sidecarBackendsReachSluiceInsideThePod() {
        List<JsonNode> endpoints = WIRING.ofKind("Backend").stream()
                .flatMap(b -> JsonPaths.values(b.node(), "spec.endpoints[]").stream()).toList();
        assertThat(endpoints).anyMatch(e -> e.has("ip")).anyMatch(e -> e.has("unix"));
        assertThat(endpoints).allSatisfy(e -> {
            if (e.has("ip")) {
                assertThat(e.path("ip").path("address").asText()).isEqualTo(LOOPBACK);
                assertThat(e.path("ip").path("port").asInt()).isEqualTo(GRPC_PORT);
            } else {
                assertThat(e.path("unix").path("path").asText()).isEqualTo(SOCKET);
            }
        });
    }

    /** Backend refs resolve to a Backend here, with the same port, and cross-namespace ones are granted. */
    @Test
    void everyPolicyBackendRefResolves() {
        int backendRefs = 0;
        for (Manifest eep : WIRING.ofKind("EnvoyExtensionPolicy")) {
            for (JsonNode ref : JsonPaths.values(eep.node(), "spec.extProc[].backendRefs[]")) {
                if (SluiceWiring.isService(ref)) {
                    continue;
                }
                backendRefs++;
                assertThat(ref.path("group").asText()).as(eep.toString()).isEqualTo("gateway.envoyproxy.io");
                assertThat(ref.path("kind").asText()).as(eep.toString()).isEqualTo("Backend");
                String namespace = ref.path("namespace").asText(eep.namespace());
                Manifest backend = WIRING.find("Backend", namespace, ref.path("name").asText()).orElseThrow(
                        () -> new AssertionError(eep + " names a Backend that is not under kubernetes/: " + ref));
                assertThat(JsonPaths.values(backend.node(), "spec.endpoints[].ip.port"))
                        .as(eep + " port vs " + backend).allSatisfy(p -> assertThat(p.asInt()).isEqualTo(ref.path("port").asInt()));
                if (!namespace.equals(eep.namespace())) {
                    assertThat(grantsBackendsTo(namespace, eep.namespace()))
                            .as("ReferenceGrant in %s for EnvoyExtensionPolicies of %s", namespace, eep.namespace())
                            .isTrue();
                }
            }
        }
        assertThat(backendRefs).isPositive();
    }

    @Test
    void sidecarContainerServesGrpcAndHealthAndSharesTheSocketDirectory() {
        JsonNode sluice = WIRING.sidecarContainer("sluice").orElseThrow();
        assertThat(SluiceWiring.containerPort(sluice, GRPC_PORT_NAME)).isEqualTo(GRPC_PORT);
        assertThat(SluiceWiring.containerPort(sluice, HTTP_PORT_NAME)).isEqualTo(HTTP_PORT);
        assertThat(JsonPaths.values(sluice, "readinessProbe.httpGet.path")).extracting(JsonNode::asText)
                .containsExactly("/q/health/ready");

        String socketDir = SOCKET.substring(0, SOCKET.lastIndexOf('/'));
        for (String container : List.of("sluice", "envoy")) {
            JsonNode c = WIRING.sidecarContainer(container).orElseThrow(() -> new AssertionError("no container " + container));
            List<JsonNode> mounts = JsonPaths.values(c, "volumeMounts[]").stream()
                    .filter(m -> m.path("mountPath").asText().equals(socketDir)).toList();
            assertThat(mounts).as(container + " mounts " + socketDir).hasSize(1);
            String volume = mounts.get(0).path("name").asText();
            assertThat(WIRING.sidecarPodVolumes()).as("volume " + volume)
                    .anySatisfy(v -> {
                        assertThat(v.path("name").asText()).isEqualTo(volume);
                        assertThat(v.has("emptyDir")).isTrue();
                    });
        }
    }

    /** The Unix socket Backend names the socket that the sidecar container tells Sluice to serve on. */
    @Test
    void sidecarServesTheUnixSocketOfItsBackend() {
        JsonNode sluice = WIRING.sidecarContainer("sluice").orElseThrow();
        List<String> socketPaths = JsonPaths.values(sluice, "env[]").stream()
                .filter(e -> e.path("name").asText().equals("SLUICE_UDS_PATH")).map(e -> e.path("value").asText()).toList();
        List<String> unixEndpoints = WIRING.ofKind("Backend").stream()
                .flatMap(b -> JsonPaths.values(b.node(), "spec.endpoints[].unix.path").stream()).map(JsonNode::asText).toList();
        assertThat(unixEndpoints).isNotEmpty();
        assertThat(socketPaths).containsExactly(SOCKET);
        assertThat(unixEndpoints).allSatisfy(path -> assertThat(path).isEqualTo(SOCKET));
    }

    /** The task's mode: request headers; response headers and a streamed response body. */
    @Test
    void policiesUseTheTaskProcessingModeOnTheTaskRoute() {
        ObjectNode taskMode = JsonNodeFactory.instance.objectNode();
        taskMode.putObject("request");
        taskMode.putObject("response").put("body", "Streamed");
        List<Manifest> policies = WIRING.ofKind("EnvoyExtensionPolicy");
        assertThat(policies).hasSize(2).allSatisfy(eep -> {
            assertThat(JsonPaths.values(eep.node(), "spec.extProc[].processingMode")).as(eep.toString())
                    .containsExactly(taskMode);
            assertThat(JsonPaths.values(eep.node(), "spec.targetRefs[].name")).extracting(JsonNode::asText)
                    .as(eep.toString()).containsExactly("myapp");
            assertThat(WIRING.find("HTTPRoute", eep.namespace(), "myapp")).as(eep.toString()).isPresent();
        });
    }

    @Test
    void tlsPolicyCoversTheGrpcPortWithTheCaConfigMap() throws Exception {
        Manifest btls = WIRING.ofKind("BackendTLSPolicy").stream().findFirst().orElseThrow();
        JsonNode target = btls.spec().path("targetRefs").path(0);
        assertThat(btls.spec().path("targetRefs").size()).isEqualTo(1);
        assertThat(target.path("kind").asText()).isEqualTo("Service");
        assertThat(target.path("name").asText()).isEqualTo(SERVICE);
        assertThat(target.path("sectionName").asText()).isEqualTo(GRPC_PORT_NAME);
        assertThat(btls.spec().path("validation").path("hostname").asText()).isEqualTo("grpc-ext-proc.envoygateway");

        JsonNode caRef = btls.spec().path("validation").path("caCertificateRefs").path(0);
        assertThat(caRef.path("kind").asText()).isEqualTo("ConfigMap");
        Manifest configMap = WIRING.find("ConfigMap", btls.namespace(), caRef.path("name").asText()).orElseThrow();
        String pem = configMap.node().path("data").path("ca.crt").asText();
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        assertThat(ca.getBasicConstraints()).as("a CA certificate").isGreaterThanOrEqualTo(0);
        // The placeholder must say so wherever it is seen: in the certificate and on the ConfigMap.
        assertThat(ca.getSubjectX500Principal().getName()).contains("PLACEHOLDER");
        assertThat(configMap.node().path("metadata").path("labels").path("sluice.io/placeholder").asText()).isEqualTo("true");
    }

    @Test
    void glooSettingsAreTheGlooDocumentsBlockPointedAtSluice() {
        Manifest settings = WIRING.ofKind("Settings").stream().findFirst().orElseThrow();
        assertThat(settings.namespace()).isEqualTo("gloo-system");
        assertThat(settings.name()).isEqualTo("default");
        JsonNode extProc = settings.spec().path("extProc");
        assertThat(extProc.path("filterStage")).isEqualTo(object(Map.of("stage", "AuthZStage", "predicate", "After")));
        assertThat(extProc.path("failureModeAllow").isBoolean()).isTrue();
        assertThat(extProc.path("failureModeAllow").asBoolean()).isFalse();
        assertThat(extProc.path("allowModeOverride").isBoolean()).isTrue();
        assertThat(extProc.path("allowModeOverride").asBoolean()).isFalse();
        assertThat(extProc.path("processingMode"))
                .isEqualTo(object(Map.of("requestHeaderMode", "SEND", "responseHeaderMode", "SKIP")));

        JsonNode ref = extProc.path("grpcService").path("extProcServerRef");
        Manifest upstream = WIRING.find("Upstream", ref.path("namespace").asText(), ref.path("name").asText())
                .orElseThrow(() -> new AssertionError("extProcServerRef names no Upstream under kubernetes/: " + ref));
        assertThat(upstream.spec().path("useHttp2").asBoolean()).as("gRPC needs HTTP/2").isTrue();
    }

    @Test
    void kgatewayPolicyUsesTheSluiceExtensionWithGloosMode() {
        Manifest policy = WIRING.ofKind("TrafficPolicy").stream().findFirst().orElseThrow();
        assertThat(JsonPaths.values(policy.node(), "spec.targetRefs[].name")).extracting(JsonNode::asText)
                .containsExactly("myapp");
        assertThat(policy.spec().path("extProc").path("processingMode"))
                .isEqualTo(object(Map.of("requestHeaderMode", "SEND", "responseHeaderMode", "SKIP")));
        String extension = policy.spec().path("extProc").path("extensionRef").path("name").asText();
        Manifest ext = WIRING.find("GatewayExtension", policy.namespace(), extension).orElseThrow(
                () -> new AssertionError("extensionRef names no GatewayExtension in " + policy.namespace()));
        assertThat(ext.spec().path("type").asText()).isEqualTo("ExtProc");
        assertThat(ext.spec().path("extProc").path("failOpen").isBoolean()).isTrue();
        assertThat(ext.spec().path("extProc").path("failOpen").asBoolean()).as("Gloo's failureModeAllow: false").isFalse();
    }

    private static boolean grantsBackendsTo(String grantNamespace, String fromNamespace) {
        return WIRING.ofKind("ReferenceGrant").stream()
                .filter(g -> g.namespace().equals(grantNamespace))
                .anyMatch(g -> JsonPaths.values(g.node(), "spec.from[]").stream().anyMatch(f ->
                        f.path("group").asText().equals("gateway.envoyproxy.io")
                                && f.path("kind").asText().equals("EnvoyExtensionPolicy")
                                && f.path("namespace").asText().equals(fromNamespace))
                        && JsonPaths.values(g.node(), "spec.to[]").stream().anyMatch(t ->
                                t.path("group").asText().equals("gateway.envoyproxy.io")
                                        && t.path("kind").asText().equals("Backend")));
    }

    private static ObjectNode object(Map<String, String> fields) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        fields.forEach(node::put);
        return node;
    }
}
