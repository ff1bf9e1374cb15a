package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every resource under {@code kubernetes/} is one {@code kubectl apply} would accept (see {@link ManifestValidator}). */
class ManifestSchemaTest {

    private static final CrdCatalog CRDS = CrdCatalog.fromClasspath();
    private static final List<Manifest> MANIFESTS = Manifest.under(RepoPaths.kubernetes());

    @TestFactory
    Stream<DynamicTest> everyManifestValidates() {
        ManifestValidator validator = new ManifestValidator(CRDS);
        return MANIFESTS.stream().map(m -> DynamicTest.dynamicTest(m.toString(),
                () -> assertThat(validator.validate(m)).as(m.toString()).isEmpty()));
    }

    /** Guards the test above against passing on an empty or partial walk. */
    @Test
    void everyFolderHasManifests() {
        for (String folder : List.of("kubernetes/envoy-gateway/separate-service/",
                "kubernetes/envoy-gateway/separate-service/tls/", "kubernetes/envoy-gateway/sidecar/",
                "kubernetes/gloo/", "kubernetes/kgateway/", "kubernetes/monitoring/")) {
            assertThat(MANIFESTS).as(folder).anyMatch(m -> m.source().startsWith(folder));
        }
    }

    /** A kind that gains a CRD here must be validated by it, not by the weaker structural check. */
    @Test
    void schemalessKindsHaveNoCrd() {
        assertThat(CRDS.size()).isGreaterThanOrEqualTo(8);
        SchemalessKinds.CHECKS.keySet().forEach(key -> {
            int cut = key.lastIndexOf('/');
            String apiVersion = key.substring(0, cut);
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.lastIndexOf('/')) : "";
            assertThat(CRDS.hasCrd(group, key.substring(cut + 1))).as(key).isFalse();
        });
    }
}
