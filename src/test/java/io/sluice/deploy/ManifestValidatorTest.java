package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** {@link ManifestValidator} rejects what the API server would reject, on manifests built here. */
class ManifestValidatorTest {

    private static final ManifestValidator VALIDATOR = new ManifestValidator(CrdCatalog.fromClasspath());

    private static final String BTLS_BODY = """
            kind: BackendTLSPolicy
            metadata:
              name: grpc-ext-proc-btls
            spec:
              targetRefs:
                - group: ''
                  kind: Service
                  name: sluice
              validation:
                caCertificateRefs:
                  - name: grpc-ext-proc-ca
                    group: ''
                    kind: ConfigMap
                hostname: grpc-ext-proc.envoygateway
            """;

    private static final String EEP = """
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: EnvoyExtensionPolicy
            metadata:
              name: ext-proc-example
            spec:
              targetRefs:
                - group: gateway.networking.k8s.io
                  kind: HTTPRoute
                  name: myapp
              extProc:
                - backendRefs:
                    - name: sluice
                      port: 9002
                  processingMode:
                    request: {}
                    response:
                      body: Streamed
            """;

    private static List<String> problems(String yaml) {
        List<Manifest> docs = Manifest.of("in-memory", yaml);
        assertThat(docs).hasSize(1);
        return VALIDATOR.validate(docs.get(0));
    }

    @Test
    void backendTlsPolicyV1IsAccepted() {
        assertThat(problems("apiVersion: gateway.networking.k8s.io/v1\n" + BTLS_BODY)).isEmpty();
    }

    /** The Envoy Gateway task's "optional" BackendTLSPolicy: v1alpha2 is no longer served. */
    @Test
    void backendTlsPolicyV1alpha2IsRejectedAsNotServed() {
        assertThat(problems("apiVersion: gateway.networking.k8s.io/v1alpha2\n" + BTLS_BODY))
                .singleElement().asString().contains("not served").contains("[v1]");
    }

    /** The task's main BackendTLSPolicy: v1alpha3 is still served but deprecated. */
    @Test
    void backendTlsPolicyV1alpha3IsRejectedAsDeprecated() {
        assertThat(problems("apiVersion: gateway.networking.k8s.io/v1alpha3\n" + BTLS_BODY))
                .singleElement().asString().contains("deprecated");
    }

    @Test
    void missingRequiredFieldIsRejected() {
        assertThat(problems("apiVersion: gateway.networking.k8s.io/v1\n"
                + BTLS_BODY.replace("    hostname: grpc-ext-proc.envoygateway\n", "")))
                .anySatisfy(p -> assertThat(p).contains("hostname"));
    }

    @Test
    void envoyExtensionPolicyIsAccepted() {
        assertThat(problems(EEP)).isEmpty();
    }

    @Test
    void misspeltFieldIsRejected() {
        assertThat(problems(EEP.replace("processingMode:", "processingmode:")))
                .anySatisfy(p -> assertThat(p).contains("processingmode"));
    }

    @Test
    void valueOutsideTheEnumIsRejected() {
        assertThat(problems(EEP.replace("body: Streamed", "body: Sometimes")))
                .anySatisfy(p -> assertThat(p).contains("body"));
    }

    /** The task's sidecar example writes extProc as an object; the CRD wants a list. */
    @Test
    void extProcAsObjectIsRejected() {
        assertThat(problems("""
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: EnvoyExtensionPolicy
                metadata:
                  name: add-ext-proc-server
                spec:
                  targetRefs:
                    - group: gateway.networking.k8s.io
                      kind: HTTPRoute
                      name: myapp
                  extProc:
                    backendRefs:
                      - name: extproc
                        kind: Backend
                        namespace: envoy-gateway-system
                        port: 9000
                """)).anySatisfy(p -> assertThat(p).contains("extProc"));
    }

    @Test
    void kindWithoutCrdOrCheckIsRejected() {
        assertThat(problems("""
                apiVersion: gateway.solo.io/v1
                kind: VirtualService
                metadata:
                  name: default
                spec: {}
                """)).singleElement().asString().contains("no CRD").contains("VirtualService");
    }

    @Test
    void schemalessKindPassesItsStructuralCheck() {
        assertThat(problems("""
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: GatewayExtension
                metadata:
                  name: sluice
                spec:
                  type: ExtProc
                  extProc:
                    grpcService:
                      backendRef:
                        name: sluice
                        port: 9002
                """)).isEmpty();
    }

    @Test
    void schemalessKindMissingAFieldIsRejected() {
        assertThat(problems("""
                apiVersion: gloo.solo.io/v1
                kind: Settings
                metadata:
                  name: default
                  namespace: gloo-system
                spec:
                  extProc:
                    grpcService: {}
                    processingMode:
                      requestHeaderMode: SEND
                """)).anySatisfy(p -> assertThat(p).contains("extProcServerRef"));
    }

    @Test
    void schemalessKindWithUnknownEnumValueIsRejected() {
        assertThat(problems("""
                apiVersion: gateway.kgateway.dev/v1alpha1
                kind: TrafficPolicy
                metadata:
                  name: p
                spec:
                  targetRefs:
                    - group: gateway.networking.k8s.io
                      kind: HTTPRoute
                      name: myapp
                  extProc:
                    extensionRef:
                      name: sluice
                    processingMode:
                      requestHeaderMode: SENT
                """)).singleElement().asString().contains("requestHeaderMode");
    }

    @Test
    void manifestWithoutKindIsRejected() {
        assertThat(problems("""
                apiVersion: v1
                metadata:
                  name: x
                """)).contains("missing kind");
    }
}
