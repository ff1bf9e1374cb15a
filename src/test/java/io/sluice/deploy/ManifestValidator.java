package io.sluice.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.networknt.schema.ValidationMessage;

/**
 * What {@code kubectl apply} would say about a manifest, as far as can be told offline: the CRD of its group
 * and kind must serve its version (not deprecated) and its schema must accept it; a kind without CRD must be
 * one of {@link SchemalessKinds} and pass its structural check.
 */
final class ManifestValidator {

    private final CrdCatalog crds;

    ManifestValidator(CrdCatalog crds) {
        this.crds = crds;
    }

    /** Every problem found; empty when the manifest is acceptable. */
    List<String> validate(Manifest m) {
        List<String> problems = new ArrayList<>();
        for (String field : List.of("apiVersion", "kind")) {
            if (!m.node().path(field).isTextual() || m.node().path(field).asText().isBlank()) {
                problems.add("missing " + field);
            }
        }
        if (!m.node().path("metadata").path("name").isTextual()) {
            problems.add("missing metadata.name");
        }
        if (!problems.isEmpty()) {
            return problems;
        }

        Optional<StructuralCheck> schemaless = SchemalessKinds.find(m.apiVersion(), m.kind());
        if (schemaless.isPresent()) {
            problems.addAll(schemaless.get().problems(m.node()));
            return problems;
        }
        CrdCatalog.Lookup lookup = crds.lookup(m.group(), m.version(), m.kind());
        switch (lookup.status()) {
            case NO_CRD -> problems.add("no CRD for " + m.kind() + " in group '" + m.group()
                    + "' and not listed in SchemalessKinds: cannot validate " + m.apiVersion() + " " + m.kind());
            case NOT_SERVED -> problems.add(m.apiVersion() + " " + m.kind() + " is not served by "
                    + lookup.crdFile() + "; use one of " + lookup.usableVersions());
            case DEPRECATED -> problems.add(m.apiVersion() + " " + m.kind() + " is deprecated in "
                    + lookup.crdFile() + "; use one of " + lookup.usableVersions());
            case SERVED -> {
                for (ValidationMessage message : lookup.schema().validate(m.node())) {
                    problems.add(message.getMessage());
                }
            }
        }
        return problems;
    }
}
