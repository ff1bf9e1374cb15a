package io.sluice.e2e;

import java.time.Duration;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.sluice.stagetest.EnvoyMessages;
import io.sluice.testing.EchoUpstream;
import io.sluice.testing.EnvoyLauncher;
import io.sluice.testing.ExtProcClient;

/**
 * A real Envoy in front of a real echo upstream, with its ext_proc cluster pointing at the Sluice that
 * {@code @QuarkusTest} started. Each test class starts its own Envoy from a bootstrap template in
 * {@code src/test/resources/envoy/} in {@code @BeforeAll}; every port is ephemeral except Sluice's.
 * A missing Envoy binary fails the class (the build installs it; see README): e2e tests never skip.
 */
public abstract class EnvoyE2eSupport {

    protected static EchoUpstream upstream;
    protected static EnvoyLauncher envoy;

    protected static void startEnvoy(String template) {
        warmUpSluice();
        upstream = EchoUpstream.standalone();
        envoy = EnvoyLauncher.start("e2e-" + template, "envoy/" + template + ".yaml",
                templateVars(upstream.startAndAwait("127.0.0.1", 0)));
    }

    /**
     * The placeholders every template in {@code src/test/resources/envoy/} uses, with the templates' own switches at
     * their plain settings (a test wanting another setting overrides it).
     */
    protected static Map<String, String> templateVars(int upstreamPort) {
        return Map.of(
                "SLUICE_GRPC_PORT", Integer.toString(sluiceGrpcPort()),
                "UPSTREAM_PORT", Integer.toString(upstreamPort),
                "LISTEN_PORT", "0",
                "ADMIN_PORT", "0",
                "SEND_BODY_EAGERLY", "false");
    }

    /**
     * One exchange straight to Sluice before Envoy starts: the first call into a cold JVM (class loading, JIT)
     * can take longer than the templates' 1 s message_timeout, which would turn a test's first request into
     * Envoy's 504 for reasons that have nothing to do with what the test checks.
     */
    protected static void warmUpSluice() {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", sluiceGrpcPort()).usePlaintext().build();
        try (ExtProcClient stream = ExtProcClient.open(channel)) {
            stream.send(EnvoyMessages.requestHeaders(true));
            stream.next(Duration.ofSeconds(30));
        } finally {
            channel.shutdownNow();
        }
    }

    @AfterAll
    static void stopEnvoy() {
        if (envoy != null) {
            envoy.close();
            envoy = null;
        }
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
    }

    protected static int sluiceGrpcPort() {
        return ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
    }

    protected static int envoyPort() {
        return envoy.listenerPort("main");
    }

    /** A request to Envoy's listener, as {@code curl -H "Host: www.example.com"} sends it. */
    protected static RequestSpecification throughEnvoy() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(envoyPort()).header("Host", "www.example.com");
    }

    /** Sum of an ext_proc filter counter over every filter instance ({@code http.*.ext_proc.*.<name>}). */
    protected static long extProcCounter(String name) {
        return extProcCounter(envoy, name);
    }

    /** The same for a given Envoy, for classes that run several. */
    static long extProcCounter(EnvoyLauncher envoy, String name) {
        return envoy.stats("").entrySet().stream()
                .filter(e -> e.getKey().contains(".ext_proc.") && e.getKey().endsWith("." + name))
                .mapToLong(Map.Entry::getValue).sum();
    }
}
