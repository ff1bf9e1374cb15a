package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.sluice.devmode.EnvoyBinary;

/**
 * {@code docker/} without a container engine: the compose file wires Envoy, Sluice and the echo backend as
 * {@code envoy.yaml} expects, Envoy accepts {@code envoy.yaml}, and {@code Dockerfile.jvm} packages the fast-jar
 * as a non-root image exposing both ports.
 */
class DockerFilesTest {

    private static final Path DOCKER = RepoPaths.docker();
    private static final JsonNode COMPOSE = Yaml.single(DOCKER.resolve("compose.yaml"));
    private static final JsonNode ENVOY = Yaml.single(DOCKER.resolve("envoy.yaml"));
    private static final Dockerfile DOCKERFILE = Dockerfile.parse(DOCKER.resolve("Dockerfile.jvm"));

    @Test
    void composeRunsEnvoySluiceAndBackend() {
        List<String> services = new ArrayList<>();
        COMPOSE.path("services").fieldNames().forEachRemaining(services::add);
        assertThat(services).containsExactlyInAnyOrder("envoy", "sluice", "backend");

        JsonNode envoy = service("envoy");
        assertThat(envoy.path("image").asText()).as("the Envoy the build pins")
                .isEqualTo("envoyproxy/envoy:v" + EnvoyBinary.VERSION);
        assertThat(publishedPorts(envoy)).contains(10080);

        JsonNode sluice = service("sluice");
        Path context = DOCKER.resolve(sluice.path("build").path("context").asText()).normalize();
        assertThat(context).isEqualTo(RepoPaths.root());
        assertThat(context.resolve(sluice.path("build").path("dockerfile").asText()))
                .isEqualTo(DOCKER.resolve("Dockerfile.jvm"));
        assertThat(containerPorts(sluice)).contains(SluiceWiring.GRPC_PORT, SluiceWiring.HTTP_PORT);

        JsonNode backend = service("backend");
        assertThat(backend.path("environment").path("PORT").asText()).isEqualTo("3000");
        assertThat(containerPorts(backend)).contains(3000);
    }

    @Test
    void envoyRunsTheMountedConfig() {
        JsonNode envoy = service("envoy");
        List<String> command = texts(envoy.path("command"));
        int c = command.indexOf("-c");
        assertThat(c).as("envoy command has -c").isNotNegative();
        String configInContainer = command.get(c + 1);
        assertThat(texts(envoy.path("volumes"))).anySatisfy(volume -> {
            String[] parts = volume.split(":");
            assertThat(DOCKER.resolve(parts[0]).normalize()).isEqualTo(DOCKER.resolve("envoy.yaml"));
            assertThat(parts[1]).isEqualTo(configInContainer);
        });
    }

    /** Every cluster of envoy.yaml is a compose service, on a port that service listens on. */
    @Test
    void envoyConfigReachesTheComposeServices() {
        JsonNode extProc = cluster("ext_proc");
        assertThat(endpoint(extProc, "address")).isEqualTo("sluice");
        assertThat(endpoint(extProc, "port_value")).isEqualTo(String.valueOf(SluiceWiring.GRPC_PORT));
        assertThat(extProc.path("typed_extension_protocol_options").toString()).as("gRPC needs HTTP/2")
                .contains("http2_protocol_options");
        JsonNode backend = cluster("backend");
        assertThat(endpoint(backend, "address")).isEqualTo("backend");
        assertThat(containerPorts(service("backend"))).contains(Integer.parseInt(endpoint(backend, "port_value")));

        int listenerPort = ENVOY.path("static_resources").path("listeners").path(0).path("address")
                .path("socket_address").path("port_value").asInt();
        assertThat(publishedPorts(service("envoy"))).contains(listenerPort);
        assertThat(extProcFilter().path("grpc_service").path("envoy_grpc").path("cluster_name").asText())
                .isEqualTo("ext_proc");
    }

    /** The task: www.example.com/myapp to the backend, request headers plus response headers and streamed body. */
    @Test
    void envoyConfigFollowsTheEnvoyGatewayTask() {
        JsonNode hcm = ENVOY.path("static_resources").path("listeners").path(0).path("filter_chains").path(0)
                .path("filters").path(0).path("typed_config");
        JsonNode host = hcm.path("route_config").path("virtual_hosts").path(0);
        assertThat(texts(host.path("domains"))).containsExactly("www.example.com");
        assertThat(host.path("routes").path(0).path("match").path("prefix").asText()).isEqualTo("/myapp");
        assertThat(host.path("routes").path(0).path("route").path("cluster").asText()).isEqualTo("backend");

        JsonNode mode = extProcFilter().path("processing_mode");
        assertThat(mode.path("request_header_mode").asText()).isEqualTo("SEND");
        assertThat(mode.path("response_header_mode").asText()).isEqualTo("SEND");
        assertThat(mode.path("request_body_mode").asText()).isEqualTo("NONE");
        assertThat(mode.path("response_body_mode").asText()).isEqualTo("STREAMED");
        assertThat(mode.path("request_trailer_mode").asText()).isEqualTo("SKIP");
        assertThat(mode.path("response_trailer_mode").asText()).isEqualTo("SKIP");
        assertThat(extProcFilter().path("failure_mode_allow").asBoolean(true)).isFalse();
    }

    @Test
    void envoyAcceptsTheComposeConfig() throws Exception {
        EnvoyValidate.Result result = EnvoyValidate.run(DOCKER.resolve("envoy.yaml"));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("OK");
    }

    /** The check above is only worth something if this Envoy does reject a bad config. */
    @Test
    void envoyRejectsABrokenConfig(@TempDir Path dir) throws Exception {
        String good = Files.readString(DOCKER.resolve("envoy.yaml"));
        String bad = good.replace("failure_mode_allow:", "failure_mode_alow:");
        assertThat(bad).isNotEqualTo(good);
        Path config = Files.writeString(dir.resolve("envoy.yaml"), bad);
        EnvoyValidate.Result result = EnvoyValidate.run(config);
        assertThat(result.exitCode()).as(result.output()).isNotZero();
        assertThat(result.output()).contains("failure_mode_alow");
    }

    @Test
    void dockerfileRunsTheFastJarAsNonRoot() {
        assertThat(DOCKERFILE.all("FROM")).singleElement()
                .satisfies(from -> assertThat(from.args()).contains("openjdk-17-runtime"));

        List<String> sources = DOCKERFILE.all("COPY").stream().flatMap(c -> c.sources().stream()).toList();
        assertThat(sources).allSatisfy(s -> assertThat(s).startsWith("target/quarkus-app/"))
                .contains("target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/",
                        "target/quarkus-app/quarkus/");
        // lib/ first: dependencies change least, so their layer is reused most.
        assertThat(sources.get(0)).isEqualTo("target/quarkus-app/lib/");

        List<Dockerfile.Instruction> users = DOCKERFILE.all("USER");
        assertThat(users).isNotEmpty();
        String user = users.get(users.size() - 1).words().get(0).split(":")[0];
        assertThat(user).as("the image's final USER").isNotIn("0", "root", "");
        assertThat(DOCKERFILE.instructions().indexOf(users.get(users.size() - 1)))
                .as("USER after the last COPY and before ENTRYPOINT")
                .isGreaterThan(DOCKERFILE.instructions().indexOf(DOCKERFILE.all("COPY").get(DOCKERFILE.all("COPY").size() - 1)))
                .isLessThan(DOCKERFILE.instructions().indexOf(DOCKERFILE.all("ENTRYPOINT").get(0)));

        Set<String> exposed = Set.copyOf(DOCKERFILE.all("EXPOSE").stream().flatMap(e -> e.words().stream()).toList());
        assertThat(exposed).contains(String.valueOf(SluiceWiring.GRPC_PORT), String.valueOf(SluiceWiring.HTTP_PORT));
        assertThat(DOCKERFILE.all("ENV")).anySatisfy(
                env -> assertThat(env.args()).isEqualTo("JAVA_APP_JAR=\"/deployments/quarkus-run.jar\""));
    }

    /** The build context is the repository root; .dockerignore must still let the packaged application in. */
    @Test
    void dockerignoreKeepsOnlyThePackagedApplication() throws Exception {
        List<String> rules = Files.readAllLines(RepoPaths.root().resolve(".dockerignore")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(rules).containsExactly("*", "!target/quarkus-app/*");
    }

    private static JsonNode service(String name) {
        JsonNode service = COMPOSE.path("services").path(name);
        assertThat(service.isObject()).as("compose service " + name).isTrue();
        return service;
    }

    /** Container side of each {@code ports} entry ("host:container", "ip:host:container", "container"). */
    private static List<Integer> publishedPorts(JsonNode service) {
        return texts(service.path("ports")).stream()
                .map(p -> p.substring(p.lastIndexOf(':') + 1).replace("/tcp", ""))
                .map(Integer::parseInt).toList();
    }

    private static List<Integer> containerPorts(JsonNode service) {
        List<Integer> ports = new ArrayList<>(publishedPorts(service));
        texts(service.path("expose")).forEach(p -> ports.add(Integer.parseInt(p)));
        return ports;
    }

    private static JsonNode cluster(String name) {
        for (JsonNode cluster : ENVOY.path("static_resources").path("clusters")) {
            if (cluster.path("name").asText().equals(name)) {
                return cluster;
            }
        }
        throw new AssertionError("envoy.yaml has no cluster " + name);
    }

    private static String endpoint(JsonNode cluster, String field) {
        List<JsonNode> values = JsonPaths.values(cluster,
                "load_assignment.endpoints[].lb_endpoints[].endpoint.address.socket_address." + field);
        assertThat(values).as(cluster.path("name").asText() + " endpoint " + field).hasSize(1);
        return values.get(0).asText();
    }

    private static JsonNode extProcFilter() {
        List<JsonNode> filters = JsonPaths.values(ENVOY,
                "static_resources.listeners[].filter_chains[].filters[].typed_config.http_filters[]");
        return filters.stream().filter(f -> f.path("name").asText().equals("envoy.filters.http.ext_proc"))
                .findFirst().orElseThrow(() -> new AssertionError("no ext_proc filter in envoy.yaml")).path("typed_config");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
