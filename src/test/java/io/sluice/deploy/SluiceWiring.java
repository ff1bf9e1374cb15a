package io.sluice.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How the gateway resources under {@code kubernetes/} reach Sluice: the references to its Service, the sidecar
 * Backends and the container that the EnvoyProxy patch adds. Tests compare these with what Sluice serves.
 */
final class SluiceWiring {

    static final String SERVICE = "sluice";
    static final String NAMESPACE = "default";
    static final String GRPC_PORT_NAME = "grpc";
    static final int GRPC_PORT = 9002;
    static final String HTTP_PORT_NAME = "http";
    static final int HTTP_PORT = 8080;
    static final String LOOPBACK = "127.0.0.1";
    static final String SOCKET = "/var/run/sluice/ext-proc.sock";

    /** A reference to a Kubernetes Service that is meant to be Sluice's gRPC port. */
    record ServiceRef(Manifest from, String field, String name, String namespace, int port) {
        @Override
        public String toString() {
            return from.source() + " " + field + " -> " + namespace + "/" + name + ":" + port;
        }
    }

    private final List<Manifest> manifests;

    SluiceWiring(List<Manifest> manifests) {
        this.manifests = List.copyOf(manifests);
    }

    static SluiceWiring ofRepository() {
        return new SluiceWiring(Manifest.under(RepoPaths.kubernetes()));
    }

    List<Manifest> ofKind(String kind) {
        return manifests.stream().filter(m -> m.kind().equals(kind)).toList();
    }

    Optional<Manifest> find(String kind, String namespace, String name) {
        return manifests.stream()
                .filter(m -> m.kind().equals(kind) && m.namespace().equals(namespace) && m.name().equals(name))
                .findFirst();
    }

    /**
     * Every ext_proc reference to a Service: EnvoyExtensionPolicy backendRefs of kind Service, Gloo Upstreams
     * (what Settings.extProc names) and kgateway GatewayExtensions.
     */
    List<ServiceRef> serviceRefs() {
        List<ServiceRef> refs = new ArrayList<>();
        for (Manifest eep : ofKind("EnvoyExtensionPolicy")) {
            for (JsonNode ref : JsonPaths.values(eep.node(), "spec.extProc[].backendRefs[]")) {
                if (isService(ref)) {
                    refs.add(new ServiceRef(eep, "spec.extProc[].backendRefs[]", ref.path("name").asText(),
                            ref.path("namespace").asText(eep.namespace()), ref.path("port").asInt(-1)));
                }
            }
        }
        for (Manifest upstream : ofKind("Upstream")) {
            JsonNode kube = upstream.spec().path("kube");
            refs.add(new ServiceRef(upstream, "spec.kube", kube.path("serviceName").asText(),
                    kube.path("serviceNamespace").asText(upstream.namespace()), kube.path("servicePort").asInt(-1)));
        }
        for (Manifest extension : ofKind("GatewayExtension")) {
            JsonNode ref = extension.spec().path("extProc").path("grpcService").path("backendRef");
            refs.add(new ServiceRef(extension, "spec.extProc.grpcService.backendRef", ref.path("name").asText(),
                    ref.path("namespace").asText(extension.namespace()), ref.path("port").asInt(-1)));
        }
        return refs;
    }

    /** The containers that the sidecar EnvoyProxy patch adds to, or merges into, Envoy Gateway's pod. */
    List<JsonNode> sidecarPodContainers() {
        return ofKind("EnvoyProxy").stream()
                .flatMap(p -> JsonPaths.values(p.node(),
                        "spec.provider.kubernetes.envoyDeployment.patch.value.spec.template.spec.containers[]").stream())
                .toList();
    }

    List<JsonNode> sidecarPodVolumes() {
        return ofKind("EnvoyProxy").stream()
                .flatMap(p -> JsonPaths.values(p.node(),
                        "spec.provider.kubernetes.envoyDeployment.patch.value.spec.template.spec.volumes[]").stream())
                .toList();
    }

    Optional<JsonNode> sidecarContainer(String name) {
        return sidecarPodContainers().stream().filter(c -> c.path("name").asText().equals(name)).findFirst();
    }

    static boolean isService(JsonNode backendRef) {
        return backendRef.path("group").asText("").isEmpty() && backendRef.path("kind").asText("Service").equals("Service");
    }

    /** {@code containerPort} of the named port, or -1. */
    static int containerPort(JsonNode container, String portName) {
        for (JsonNode port : container.path("ports")) {
            if (port.path("name").asText().equals(portName)) {
                return port.path("containerPort").asInt(-1);
            }
        }
        return -1;
    }
}
