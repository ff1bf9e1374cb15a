package io.sluice.config;

import java.util.List;
import java.util.Optional;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Refuses to start with a Quarkus port outside 0..65535. Without it, a typo surfaces as a bind error from deep inside
 * Netty that names no configuration key. Sluice's own port, {@code sluice.dev.envoy-port}, is {@link ConfigBounds}'.
 */
@Startup(Integer.MIN_VALUE)
@ApplicationScoped
public class PortCheck {

    static final List<String> PORT_KEYS = List.of("quarkus.grpc.server.port", "quarkus.grpc.server.test-port",
            "quarkus.http.port", "quarkus.http.test-port");

    @PostConstruct
    void check() {
        Config config = ConfigProvider.getConfig();
        for (String key : PORT_KEYS) {
            Optional<String> raw = config.getOptionalValue(key, String.class);
            if (raw.isEmpty()) {
                continue;
            }
            int port;
            try {
                port = Integer.parseInt(raw.get().trim());
            } catch (NumberFormatException e) {
                throw new ConfigurationException(key + "=" + raw.get() + " is not a port number");
            }
            if (port < 0 || port > 65535) {
                throw new ConfigurationException(key + "=" + port + " is not a valid port (0..65535)");
            }
        }
    }
}
