package io.sluice.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** The container {@code sluice} of the Deployment that {@code package} generates into {@code target/kubernetes/}. */
final class GeneratedDeployment {

    static final String TLS_SECRET = "sluice-tls";

    private final JsonNode deployment;
    private final JsonNode container;

    private GeneratedDeployment(JsonNode deployment) {
        this.deployment = deployment;
        this.container = first(deployment.path("spec").path("template").path("spec").path("containers"), "name", "sluice");
    }

    static GeneratedDeployment read() {
        Path file = Path.of(System.getProperty("sluice.build.dir", "target"), "kubernetes", "kubernetes.yml");
        try (MappingIterator<JsonNode> docs = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                .readValues(Files.readString(file))) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc.path("kind").asText().equals("Deployment") && doc.path("metadata").path("name").asText().equals("sluice")) {
                    return new GeneratedDeployment(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (written by package)", e);
        }
        throw new IllegalStateException("no Deployment sluice in " + file);
    }

    /** The pod's {@code terminationGracePeriodSeconds}: after it the kubelet kills Sluice. */
    Duration terminationGracePeriod() {
        JsonNode seconds = deployment.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds");
        if (!seconds.isInt()) {
            throw new IllegalStateException("generated Deployment sets no terminationGracePeriodSeconds: " + seconds);
        }
        return Duration.ofSeconds(seconds.asInt());
    }

    /**
     * The container's environment variables that point into the TLS Secret's mount, with the mount path replaced by
     * {@code localDir}: how the Deployment turns TLS on, applied to files outside a cluster.
     */
    Map<String, String> tlsEnvironment(Path localDir) {
        String volume = "";
        for (JsonNode v : deployment.path("spec").path("template").path("spec").path("volumes")) {
            if (v.path("secret").path("secretName").asText().equals(TLS_SECRET)) {
                volume = v.path("name").asText();
            }
        }
        String mountPath = first(container.path("volumeMounts"), "name", volume).path("mountPath").asText();
        Map<String, String> environment = new LinkedHashMap<>();
        for (JsonNode env : container.path("env")) {
            String value = env.path("value").asText();
            if (value.startsWith(mountPath + "/")) {
                environment.put(env.path("name").asText(), localDir + value.substring(mountPath.length()));
            }
        }
        return environment;
    }

    private static JsonNode first(JsonNode array, String field, String value) {
        for (JsonNode item : array) {
            if (item.path(field).asText().equals(value)) {
                return item;
            }
        }
        throw new IllegalStateException("generated Deployment: no entry with " + field + "=" + value + " in " + array);
    }
}
