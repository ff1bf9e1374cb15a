package io.sluice.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * One way of deploying Sluice with Envoy Gateway, as the resources a user applies: the shipped files under
 * {@code kubernetes/envoy-gateway/}, the generated Service for the separate-Service patterns, and the quickstart's
 * Gateway they attach to. {@link #policy()} is the EnvoyExtensionPolicy whose rendering the tests check.
 */
record EnvoyGatewayPattern(String name, List<ObjectNode> resources) {

    /** Stands for the address the API server would give Service sluice; Envoy Gateway routes to it. */
    static final String SLUICE_CLUSTER_IP = "10.96.0.40";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path SHIPPED = Path.of("kubernetes", "envoy-gateway");

    static Stream<EnvoyGatewayPattern> all() {
        return Stream.of(separateService(), separateServiceTls(), sidecarLoopback(), sidecarUnixSocket());
    }

    static EnvoyGatewayPattern separateService() {
        List<ObjectNode> r = quickstart();
        r.add(generatedService());
        r.addAll(shipped("httproute.yaml", "separate-service/envoyextensionpolicy.yaml"));
        return new EnvoyGatewayPattern("separate Service", r);
    }

    static EnvoyGatewayPattern separateServiceTls() {
        List<ObjectNode> r = separateService().resources();
        r.addAll(shipped("separate-service/tls/backendtlspolicy.yaml", "separate-service/tls/ca-configmap.yaml"));
        return new EnvoyGatewayPattern("separate Service with TLS", r);
    }

    /** With the GatewayClass pointed at the shipped EnvoyProxy, as the README's {@code kubectl patch} does. */
    static EnvoyGatewayPattern sidecarLoopback() {
        List<ObjectNode> r = quickstart();
        ObjectNode ref = ((ObjectNode) kind(r, "GatewayClass").path("spec")).putObject("parametersRef");
        ref.put("group", "gateway.envoyproxy.io").put("kind", "EnvoyProxy").put("name", "gateway")
                .put("namespace", "envoy-gateway-system");
        r.addAll(shipped("httproute.yaml", "sidecar/envoyproxy.yaml", "sidecar/backend.yaml",
                "sidecar/backend-unix-socket.yaml", "sidecar/referencegrant.yaml", "sidecar/envoyextensionpolicy.yaml"));
        return new EnvoyGatewayPattern("sidecar over 127.0.0.1", r);
    }

    /** The policy's backendRef pointed at Backend {@code extproc-uds}, as backend-unix-socket.yaml says to. */
    static EnvoyGatewayPattern sidecarUnixSocket() {
        List<ObjectNode> r = sidecarLoopback().resources();
        JsonNode backendRef = kind(r, "EnvoyExtensionPolicy").path("spec").path("extProc").path(0).path("backendRefs").path(0);
        if (!backendRef.path("name").asText().equals("extproc")) {
            throw new IllegalStateException("sidecar policy no longer points at Backend extproc: " + backendRef);
        }
        ((ObjectNode) backendRef).put("name", "extproc-uds");
        return new EnvoyGatewayPattern("sidecar over the Unix socket", r);
    }

    /**
     * This pattern with the CA bundle of ConfigMap {@code grpc-ext-proc-ca} replaced, as the shipped placeholder
     * says to (with the CA that issued Sluice's certificate).
     */
    EnvoyGatewayPattern withCaBundle(String pem) {
        List<ObjectNode> r = new ArrayList<>();
        resources.forEach(doc -> r.add(doc.deepCopy()));
        ObjectNode configMap = kind(r, "ConfigMap");
        if (!configMap.path("metadata").path("name").asText().equals("grpc-ext-proc-ca")) {
            throw new IllegalStateException("the policy's CA is no longer ConfigMap grpc-ext-proc-ca: " + configMap.path("metadata"));
        }
        ((ObjectNode) configMap.path("data")).put("ca.crt", pem);
        return new EnvoyGatewayPattern(name, r);
    }

    /** This pattern with the BackendTLSPolicy's {@code validation.hostname} (Envoy's SNI and the name it checks) replaced. */
    EnvoyGatewayPattern withTlsHostname(String hostname) {
        List<ObjectNode> r = new ArrayList<>();
        resources.forEach(doc -> r.add(doc.deepCopy()));
        ((ObjectNode) kind(r, "BackendTLSPolicy").path("spec").path("validation")).put("hostname", hostname);
        return new EnvoyGatewayPattern(name, r);
    }

    /** This pattern with {@code backendSettings.healthCheck.active.type: GRPC} on the policy, every other field unset. */
    EnvoyGatewayPattern withActiveGrpcHealthCheck() {
        List<ObjectNode> r = new ArrayList<>();
        resources.forEach(doc -> r.add(doc.deepCopy()));
        ((ObjectNode) kind(r, "EnvoyExtensionPolicy").path("spec").path("extProc").path(0)).putObject("backendSettings")
                .putObject("healthCheck").putObject("active").put("type", "GRPC");
        return new EnvoyGatewayPattern(name + " with an active gRPC health check", r);
    }

    ObjectNode policy() {
        return kind(resources, "EnvoyExtensionPolicy");
    }

    String yaml() {
        StringBuilder out = new StringBuilder();
        try {
            for (ObjectNode doc : resources) {
                out.append(YAML.writeValueAsString(doc));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return name;
    }

    private static ObjectNode kind(List<ObjectNode> docs, String kind) {
        List<ObjectNode> found = docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
        if (found.size() != 1) {
            throw new IllegalStateException("expected one " + kind + ", found " + found.size());
        }
        return found.get(0);
    }

    private static List<ObjectNode> quickstart() {
        try (InputStream in = EnvoyGatewayPattern.class.getResourceAsStream("/envoy-gateway/quickstart.yaml")) {
            return read(new String(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<ObjectNode> shipped(String... files) {
        List<ObjectNode> docs = new ArrayList<>();
        for (String file : files) {
            try {
                docs.addAll(read(Files.readString(SHIPPED.resolve(file))));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the shipped " + SHIPPED.resolve(file), e);
            }
        }
        return docs;
    }

    /** Service {@code sluice} as {@code package} generates it, applied to {@code default} as the README does. */
    private static ObjectNode generatedService() {
        Path file = Path.of(System.getProperty("sluice.build.dir", "target"), "kubernetes", "kubernetes.yml");
        try {
            for (ObjectNode doc : read(Files.readString(file))) {
                if (doc.path("kind").asText().equals("Service") && doc.path("metadata").path("name").asText().equals("sluice")) {
                    ((ObjectNode) doc.path("metadata")).put("namespace", "default");
                    // Assigned by the API server in a cluster; without it the translation fails.
                    ((ObjectNode) doc.path("spec")).put("clusterIP", SLUICE_CLUSTER_IP);
                    return doc;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (written by package)", e);
        }
        throw new IllegalStateException("no Service sluice in " + file);
    }

    private static List<ObjectNode> read(String yaml) throws IOException {
        List<ObjectNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc instanceof ObjectNode o && !o.isEmpty()) {
                    docs.add(o);
                }
            }
        }
        return docs;
    }
}
