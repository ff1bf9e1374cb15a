package io.sluice.e2e;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.sluice.testing.EchoUpstream;
import io.sluice.testing.EnvoyLauncher;

/**
 * For {@code *IT} classes that run the packaged Sluice in its own JVM: one echo upstream and any number of real Envoys
 * in front of it, all stopped together. The counterpart of {@link EnvoyE2eSupport}, which serves {@code @QuarkusTest}.
 */
final class PackagedEnvoys implements AutoCloseable {

    private final EchoUpstream upstream = EchoUpstream.standalone();
    private final int upstreamPort = upstream.startAndAwait("127.0.0.1", 0);
    private final List<EnvoyLauncher> envoys = new ArrayList<>();

    /** An Envoy from {@code envoy/<template>.yaml} with ephemeral ports and the template's own {@code vars}. */
    EnvoyLauncher start(String name, String template, Map<String, String> vars) {
        Map<String, String> all = new HashMap<>(vars);
        all.put("UPSTREAM_PORT", Integer.toString(upstreamPort));
        all.put("LISTEN_PORT", "0");
        all.put("ADMIN_PORT", "0");
        EnvoyLauncher envoy = EnvoyLauncher.start(name, "envoy/" + template + ".yaml", all);
        envoys.add(envoy);
        return envoy;
    }

    /**
     * An Envoy on what Envoy Gateway renders for {@code pattern}, translated now by egctl, with the ext_proc cluster at
     * {@code sluice} ({@code 127.0.0.1:<port>} or {@code unix:<path>}).
     */
    EnvoyLauncher startRendered(String name, EnvoyGatewayPattern pattern, String sluice) {
        EnvoyLauncher envoy = EnvoyLauncher.startBootstrap(name,
                EnvoyGatewayBootstrap.forSluice(EnvoyGatewayXds.of(Egctl.translate(pattern.yaml())), upstreamPort, sluice));
        envoys.add(envoy);
        return envoy;
    }

    /** A request to the Envoy's listener, as {@code curl -H "Host: www.example.com"} sends it. */
    static RequestSpecification through(EnvoyLauncher envoy) {
        return through(envoy, "main");
    }

    /** The same to an Envoy on a rendered configuration: Envoy Gateway's listener. */
    static RequestSpecification throughEnvoyGateway(EnvoyLauncher envoy) {
        return through(envoy, EnvoyGatewayBootstrap.LISTENER);
    }

    private static RequestSpecification through(EnvoyLauncher envoy, String listener) {
        return RestAssured.given().baseUri("http://127.0.0.1").port(envoy.listenerPort(listener))
                .header("Host", "www.example.com");
    }

    /** Waits up to 5 s for counter {@code name} to count: Envoy may answer the client before it records the cause. */
    static void awaitPositive(EnvoyLauncher envoy, String name) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        while (envoy.counter(name) == 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        org.assertj.core.api.Assertions.assertThat(envoy.counter(name)).as(name + " of " + envoy).isPositive();
    }

    /** Sum of an ext_proc filter counter over every filter instance ({@code http.*.ext_proc.*.<name>}). */
    static long extProcCounter(EnvoyLauncher envoy, String name) {
        return envoy.stats("").entrySet().stream()
                .filter(e -> e.getKey().contains(".ext_proc.") && e.getKey().endsWith("." + name))
                .mapToLong(Map.Entry::getValue).sum();
    }

    @Override
    public void close() {
        envoys.forEach(EnvoyLauncher::close);
        upstream.close();
    }
}
