package io.sluice.deploy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds under {@code kubernetes/} for which {@code src/test/resources/crds/} holds no schema, each with the
 * structural check that stands in for one. A kind that is neither here nor in the CRDs fails validation.
 */
final class SchemalessKinds {

    private static final Set<String> HEADER_MODES = Set.of("DEFAULT", "SEND", "SKIP");
    private static final Set<String> BODY_MODES = Set.of("NONE", "STREAMED", "BUFFERED", "BUFFERED_PARTIAL",
            "FULL_DUPLEX_STREAMED");

    /** Keyed by {@code apiVersion/kind}. */
    static final Map<String, StructuralCheck> CHECKS = Map.of(
            "v1/ConfigMap", new StructuralCheck("core Kubernetes kind: no CRD",
                    List.of("metadata.name", "data"), Map.of()),
            "v1/Service", new StructuralCheck("core Kubernetes kind: no CRD",
                    List.of("metadata.name", "spec.ports[].port"), Map.of()),
            "gloo.solo.io/v1/Settings", new StructuralCheck("Gloo Gateway Enterprise CRD: not public",
                    List.of("metadata.name", "metadata.namespace",
                            "spec.extProc.grpcService.extProcServerRef.name",
                            "spec.extProc.grpcService.extProcServerRef.namespace",
                            "spec.extProc.processingMode"),
                    Map.of("spec.extProc.processingMode.requestHeaderMode", HEADER_MODES,
                            "spec.extProc.processingMode.responseHeaderMode", HEADER_MODES,
                            "spec.extProc.processingMode.requestBodyMode", BODY_MODES,
                            "spec.extProc.processingMode.responseBodyMode", BODY_MODES,
                            "spec.extProc.filterStage.stage", Set.of("FaultStage", "CorsStage", "WafStage",
                                    "AuthNStage", "AuthZStage", "RateLimitStage", "AcceptedStage", "OutAuthStage",
                                    "RouteStage"),
                            "spec.extProc.filterStage.predicate", Set.of("Before", "During", "After"))),
            "gloo.solo.io/v1/Upstream", new StructuralCheck("Gloo Gateway CRD: not in shared/crds",
                    List.of("metadata.name", "metadata.namespace", "spec.kube.serviceName",
                            "spec.kube.serviceNamespace", "spec.kube.servicePort"),
                    Map.of()),
            "gateway.kgateway.dev/v1alpha1/GatewayExtension", new StructuralCheck("kgateway CRD: not in shared/crds",
                    List.of("metadata.name", "spec.extProc.grpcService.backendRef.name",
                            "spec.extProc.grpcService.backendRef.port"),
                    Map.of("spec.type", Set.of("ExtAuth", "ExtProc", "RateLimit", "JWT", "OAuth2"))),
            "gateway.kgateway.dev/v1alpha1/TrafficPolicy", new StructuralCheck("kgateway CRD: not in shared/crds",
                    List.of("metadata.name", "spec.targetRefs[].group", "spec.targetRefs[].kind",
                            "spec.targetRefs[].name", "spec.extProc.extensionRef.name"),
                    Map.of("spec.extProc.processingMode.requestHeaderMode", HEADER_MODES,
                            "spec.extProc.processingMode.responseHeaderMode", HEADER_MODES,
                            "spec.extProc.processingMode.requestBodyMode", BODY_MODES,
                            "spec.extProc.processingMode.responseBodyMode", BODY_MODES)));

    private SchemalessKinds() {
    }

    static Optional<StructuralCheck> find(String apiVersion, String kind) {
        return Optional.ofNullable(CHECKS.get(apiVersion + "/" + kind));
    }
}
