package io.sluice.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;

/**
 * The CustomResourceDefinitions in {@code src/test/resources/crds/} (copies of the upstream ones in
 * {@code shared/crds/}), indexed by API group and kind, with each version's schema compiled on first use.
 */
final class CrdCatalog {

    /** How a manifest's {@code apiVersion} and {@code kind} match the catalog. */
    enum Status {
        /** A CRD serves this version and does not deprecate it. */
        SERVED,
        /** A CRD serves this version but marks it deprecated: the API server warns, and the next release drops it. */
        DEPRECATED,
        /** A CRD exists for group and kind, but not with this version served. */
        NOT_SERVED,
        /** No CRD for this group and kind. */
        NO_CRD
    }

    record Lookup(Status status, String crdFile, List<String> usableVersions, JsonSchema schema) {
    }

    private record Crd(String file, JsonNode node) {
    }

    private final Map<String, Crd> byGroupKind;
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

    private CrdCatalog(Map<String, Crd> byGroupKind) {
        this.byGroupKind = byGroupKind;
    }

    static CrdCatalog fromClasspath() {
        URL dir = CrdCatalog.class.getClassLoader().getResource("crds");
        if (dir == null) {
            throw new IllegalStateException("crds/ is not on the test classpath (src/test/resources/crds)");
        }
        try {
            return load(Path.of(dir.toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static CrdCatalog load(Path dir) {
        Map<String, Crd> index = new HashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode doc : Yaml.documents(file)) {
                    if (!"CustomResourceDefinition".equals(doc.path("kind").asText())) {
                        throw new IllegalStateException(file + " holds a " + doc.path("kind").asText() + ", not a CRD");
                    }
                    JsonNode spec = doc.path("spec");
                    String key = key(spec.path("group").asText(), spec.path("names").path("kind").asText());
                    if (index.put(key, new Crd(file.getFileName().toString(), doc)) != null) {
                        throw new IllegalStateException("two CRDs for " + key);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (index.isEmpty()) {
            throw new IllegalStateException("no CRD found in " + dir);
        }
        return new CrdCatalog(Map.copyOf(index));
    }

    boolean hasCrd(String group, String kind) {
        return byGroupKind.containsKey(key(group, kind));
    }

    int size() {
        return byGroupKind.size();
    }

    Lookup lookup(String group, String version, String kind) {
        Crd crd = byGroupKind.get(key(group, kind));
        if (crd == null) {
            return new Lookup(Status.NO_CRD, null, List.of(), null);
        }
        List<String> usable = new ArrayList<>();
        Optional<JsonNode> match = Optional.empty();
        for (JsonNode v : crd.node().path("spec").path("versions")) {
            boolean served = v.path("served").asBoolean(false);
            boolean deprecated = v.path("deprecated").asBoolean(false);
            if (served && !deprecated) {
                usable.add(v.path("name").asText());
            }
            if (served && v.path("name").asText().equals(version)) {
                match = Optional.of(v);
            }
        }
        if (match.isEmpty()) {
            return new Lookup(Status.NOT_SERVED, crd.file(), List.copyOf(usable), null);
        }
        JsonNode v = match.get();
        JsonSchema schema = compiled.computeIfAbsent(crd.file() + "@" + version,
                k -> CrdSchemas.strict(v.path("schema").path("openAPIV3Schema")));
        Status status = v.path("deprecated").asBoolean(false) ? Status.DEPRECATED : Status.SERVED;
        return new Lookup(status, crd.file(), List.copyOf(usable), schema);
    }

    private static String key(String group, String kind) {
        return group + "/" + kind;
    }
}
