package io.sluice.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

/** One Kubernetes resource: a YAML document and where it came from ({@code file#index}). */
record Manifest(String source, JsonNode node) {

    String apiVersion() {
        return node.path("apiVersion").asText("");
    }

    String kind() {
        return node.path("kind").asText("");
    }

    /** API group of {@link #apiVersion()}: empty for the core group ({@code v1}). */
    String group() {
        String v = apiVersion();
        int slash = v.lastIndexOf('/');
        return slash < 0 ? "" : v.substring(0, slash);
    }

    String version() {
        String v = apiVersion();
        return v.substring(v.lastIndexOf('/') + 1);
    }

    String name() {
        return node.path("metadata").path("name").asText("");
    }

    /** The namespace the resource lands in when applied as the README says: {@code default} if unset. */
    String namespace() {
        return node.path("metadata").path("namespace").asText("default");
    }

    JsonNode spec() {
        return node.path("spec");
    }

    @Override
    public String toString() {
        return source + " (" + kind() + " " + namespace() + "/" + name() + ")";
    }

    /** Every document of every {@code *.yaml}/{@code *.yml} below {@code dir}, sorted by path. */
    static List<Manifest> under(Path dir) {
        List<Manifest> all = new ArrayList<>();
        for (Path file : yamlFiles(dir)) {
            List<JsonNode> docs = Yaml.documents(file);
            String rel = RepoPaths.root().relativize(file.toAbsolutePath()).toString();
            for (int i = 0; i < docs.size(); i++) {
                all.add(new Manifest(rel + "#" + i, docs.get(i)));
            }
        }
        return all;
    }

    static List<Manifest> of(String source, String yaml) {
        List<JsonNode> docs = Yaml.documents(yaml);
        List<Manifest> all = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            all.add(new Manifest(source + "#" + i, docs.get(i)));
        }
        return all;
    }

    private static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
