package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.restassured.response.Response;
import io.sluice.testing.EchoUpstream;
import io.sluice.testing.EnvoyLauncher;
import io.sluice.testing.Packaged;
import io.sluice.testing.SluiceProcess;
import io.sluice.testing.TestPki;

/**
 * The seed task's curl through the Envoy configuration Envoy Gateway renders from the shipped resources (translated
 * at test time by {@code egctl}, endpoints moved to this machine), in front of a fresh packaged Sluice: Envoy
 * Gateway's 200 ms message timeout, fail-closed filter and 64 KiB windows, not a look-alike. In the TLS pattern the
 * CA that Envoy Gateway would serve over SDS is a static secret built from its IR, and Sluice serves TLS as the
 * generated Deployment configures it, with a PKI generated for the run. These take the place of the hand-written
 * look-alikes the task's tests used to run on ({@code eg-task.yaml}, with a 1 s message timeout and attributes Envoy
 * Gateway does not send).
 */
@Packaged
class EnvoyGatewayRenderedE2eIT {

    static Stream<EnvoyGatewayPattern> patterns() {
        return Stream.of(EnvoyGatewayPattern.separateService(), EnvoyGatewayPattern.sidecarLoopback(),
                EnvoyGatewayPattern.sidecarUnixSocket());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patterns")
    void theTasksCurlThroughWhatEnvoyGatewayRenders(EnvoyGatewayPattern pattern) throws Exception {
        EnvoyGatewayXds xds = EnvoyGatewayXds.of(Egctl.translate(pattern.yaml()));
        boolean unix = EnvoyGatewayTranslationIT.endpointAddresses(xds, EnvoyGatewayTranslationIT.extProcCluster(xds))
                .get(0).startsWith("unix:");
        int grpcPort = SluiceProcess.freePort();
        // Unix socket paths are limited to 107 bytes: a short temporary directory, not target/.
        Path socket = Files.createTempDirectory("sluice-eg").resolve("ext-proc.sock");
        Map<String, String> config = new HashMap<>(Map.of("quarkus.grpc.server.port", Integer.toString(grpcPort)));
        if (unix) {
            config.put("sluice.uds.path", socket.toString());
        }
        String name = slug(pattern);
        try (EchoUpstream upstream = EchoUpstream.standalone();
                SluiceProcess sluice = SluiceProcess.start(name, List.of("-Xmx256m"), config)) {
            String bootstrap = EnvoyGatewayBootstrap.forSluice(xds, upstream.startAndAwait("127.0.0.1", 0),
                    unix ? "unix:" + socket : "127.0.0.1:" + grpcPort);
            try (EnvoyLauncher envoy = EnvoyLauncher.startBootstrap(name, bootstrap)) {
                assertTheTasksCurl(envoy);
                assertAMultiMegabyteResponseArrivesByteForByte(envoy);
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socket.getParent());
        }
    }

    /**
     * The separate Service with its BackendTLSPolicy: with the placeholder CA as shipped Envoy refuses Sluice's
     * certificate (fail closed); with the ConfigMap holding the CA that issued it, the task's curl
     * passes over TLS, Envoy checking the policy's hostname as SNI and SAN. The refused Envoy runs first, so that the
     * served one still sends the first exchange Sluice gets from an Envoy.
     */
    @Test
    void theTlsPatternsCurlThroughWhatEnvoyGatewayRenders() throws Exception {
        TestPki pki = TestPki.create(Path.of(System.getProperty("sluice.build.dir", "target"), "eg-rendered-tls", "pki")
                .toAbsolutePath());
        EnvoyGatewayPattern shipped = EnvoyGatewayPattern.separateServiceTls();
        EnvoyGatewayXds placeholder = EnvoyGatewayXds.of(Egctl.translate(shipped.yaml()));
        EnvoyGatewayXds served = EnvoyGatewayXds.of(Egctl.translate(
                shipped.withCaBundle(Files.readString(pki.caCertificate())).yaml()));
        String cluster = EnvoyGatewayTranslationIT.extProcCluster(served);
        Map<String, String> environment = GeneratedDeployment.read().tlsEnvironment(pki.caCertificate().getParent());
        assertThat(environment).as("the generated Deployment's TLS settings").isNotEmpty();
        String name = slug(shipped);
        try (EchoUpstream upstream = EchoUpstream.standalone();
                SluiceProcess sluice = SluiceProcess.start(name, List.of("-Xmx256m"), Map.of(), environment)) {
            int upstreamPort = upstream.startAndAwait("127.0.0.1", 0);
            String sluiceAddress = "127.0.0.1:" + sluice.grpcPort();
            try (EnvoyLauncher envoy = EnvoyLauncher.startBootstrap(name + "-placeholder-ca",
                    EnvoyGatewayBootstrap.forSluice(placeholder, upstreamPort, sluiceAddress))) {
                // Fail closed: 500 when the failed handshake ends the stream first, 504 when the 200 ms timer does.
                curl(envoy, "/myapp").then().statusCode(anyOf(is(500), is(504))).header("x-response-ext-processed", nullValue());
                PackagedEnvoys.awaitPositive(envoy, "cluster." + cluster + ".ssl.fail_verify_error");
                assertThat(envoy.counter("cluster." + cluster + ".ssl.handshake")).isZero();
            }
            try (EnvoyLauncher envoy = EnvoyLauncher.startBootstrap(name,
                    EnvoyGatewayBootstrap.forSluice(served, upstreamPort, sluiceAddress))) {
                assertTheTasksCurl(envoy);
                assertThat(envoy.counter("cluster." + cluster + ".ssl.handshake")).as("TLS handshakes to Sluice").isPositive();
                assertThat(envoy.counter("cluster." + cluster + ".ssl.fail_verify_san")).isZero();
            }
        }
    }

    /** The first request to a Sluice that has just become ready, as after a rollout. */
    private static void assertTheTasksCurl(EnvoyLauncher envoy) {
        Response first = curl(envoy, "/myapp");
        first.then().statusCode(200)
                .header("x-response-ext-processed", "true")
                .body("path", equalTo("/myapp"))
                .body("host", equalTo("www.example.com"))
                .body("headers.X-Request-Ext-Processed", contains("true"));
        // Envoy Gateway sends no attributes unless the policy asks: the demo's attribute headers stay away.
        assertThat(first.headers().asList()).extracting(h -> h.getName().toLowerCase())
                .doesNotContain("x-response-xds-route-name", "x-response-request-path");
        // Only the policy's route is processed: another host is not routed at all.
        PackagedEnvoys.throughEnvoyGateway(envoy).header("Host", "other.example.com").get("/myapp").then().statusCode(404);
        assertThat(PackagedEnvoys.extProcCounter(envoy, "streams_failed")).isZero();
        assertThat(PackagedEnvoys.extProcCounter(envoy, "streams_started")).isOne();
    }

    /**
     * The task's response body STREAMED through Sluice under Envoy Gateway's 200 ms message timeout and 64 KiB stream
     * window: several megabytes in 16 KiB chunks arrive unchanged, each chunk answered exactly once.
     */
    private static void assertAMultiMegabyteResponseArrivesByteForByte(EnvoyLauncher envoy) throws Exception {
        long size = 5L * 1024 * 1024 + 12345;
        Response response = curl(envoy, "/myapp/download?bytes=" + size + "&chunk=16384");
        response.then().statusCode(200)
                .header("x-response-ext-processed", "true")
                .header("x-echo-req-x-request-ext-processed", "true");
        byte[] body = response.asByteArray();
        assertThat(body.length).isEqualTo(size);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        assertThat(sha).isEqualTo(EchoUpstream.sha256OfPattern(size));
        assertThat(PackagedEnvoys.extProcCounter(envoy, "stream_msgs_sent")).isGreaterThan(3);
        assertThat(PackagedEnvoys.extProcCounter(envoy, "stream_msgs_received"))
                .isEqualTo(PackagedEnvoys.extProcCounter(envoy, "stream_msgs_sent"));
        assertThat(PackagedEnvoys.extProcCounter(envoy, "spurious_msgs_received")).isZero();
        assertThat(PackagedEnvoys.extProcCounter(envoy, "streams_failed")).isZero();
    }

    static Response curl(EnvoyLauncher envoy, String path) {
        return PackagedEnvoys.throughEnvoyGateway(envoy).get(path);
    }

    private static String slug(EnvoyGatewayPattern pattern) {
        return "eg-rendered-" + pattern.name().replaceAll("[^A-Za-z0-9]+", "-");
    }
}
