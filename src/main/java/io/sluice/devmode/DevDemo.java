package io.sluice.devmode;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sluice.config.SluiceConfig;
import io.vertx.core.Vertx;

/**
 * {@code ./mvnw quarkus:dev} only: an echo upstream and, when an Envoy binary is available, a local Envoy on
 * {@code sluice.dev.envoy-port} running Envoy Gateway's task policy against this Sluice. Restarted with every
 * live reload, so the demo always talks to the code being edited. Never fails start-up: the demo is a
 * convenience, Sluice itself is the product.
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class DevDemo {

    private static final Logger LOG = Logger.getLogger(DevDemo.class);

    private final Vertx vertx;
    private final SluiceConfig config;
    private final int grpcPort;
    private DemoUpstream upstream;
    private EnvoyProcess envoy;

    public DevDemo(Vertx vertx, SluiceConfig config, @ConfigProperty(name = "quarkus.grpc.server.port") int grpcPort) {
        this.vertx = vertx;
        this.config = config;
        this.grpcPort = grpcPort;
    }

    void start(@Observes StartupEvent event) {
        try {
            upstream = DemoUpstream.start(vertx);
            Optional<Path> binary = EnvoyBinary.find();
            if (binary.isEmpty()) {
                LOG.warnf("Demo: echo upstream on http://127.0.0.1:%d, but no Envoy to put in front of it. %s",
                        upstream.port(), EnvoyBinary.missingMessage());
                return;
            }
            int envoyPort = config.dev().envoyPort();
            envoy = EnvoyProcess.start("dev-demo", EnvoyTemplates.render("dev/envoy-demo.yaml", Map.of(
                    "SLUICE_GRPC_PORT", Integer.toString(grpcPort),
                    "UPSTREAM_PORT", Integer.toString(upstream.port()),
                    "LISTEN_PORT", Integer.toString(envoyPort),
                    "ADMIN_PORT", "0")),
                    true);
            LOG.infof("Demo: curl -v -H \"Host: www.example.com\" http://localhost:%d/myapp   (Envoy %s, log %s)",
                    envoyPort, EnvoyBinary.VERSION, envoy.logFile());
        } catch (RuntimeException e) {
            LOG.warnf("Demo: the local Envoy did not start, Sluice runs without it: %s", e.getMessage());
        }
    }

    void stop(@Observes ShutdownEvent event) {
        if (envoy != null) {
            envoy.close();
        }
        if (upstream != null) {
            try {
                upstream.close();
            } catch (RuntimeException e) {
                LOG.warnf("Demo: %s", e.getMessage());
            }
        }
    }
}
