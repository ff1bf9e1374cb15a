package io.sluice.config;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Refuses to start while any key of {@link ConfigBounds} is outside its bound, naming every such key at once. Without
 * it, {@code sluice.exchange.max-message-bytes=-5} started, reported ready, and then ended every exchange with
 * RESOURCE_EXHAUSTED. Beans that Quarkus builds before start-up beans run (the gRPC server's settings) inject it, so
 * that they never see a value out of bounds.
 */
@Startup(Integer.MIN_VALUE)
@Singleton
public class ConfigBoundsCheck {

    @PostConstruct
    void check() {
        check(ConfigProvider.getConfig());
    }

    /** Throws a {@link ConfigurationException} naming every key of {@code config} outside its bound. */
    public static void check(Config config) {
        List<ConfigBounds.Violation> violations = ConfigBounds.violations(config);
        if (!violations.isEmpty()) {
            String messages = violations.stream().map(ConfigBounds.Violation::message).collect(Collectors.joining("; "));
            Set<String> keys = violations.stream().map(ConfigBounds.Violation::key).collect(Collectors.toSet());
            throw new ConfigurationException(
                    (violations.size() == 1 ? "" : violations.size() + " settings out of bounds: ") + messages, keys);
        }
    }
}
