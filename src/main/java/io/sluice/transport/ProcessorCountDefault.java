package io.sluice.transport;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;

/**
 * Supplies {@code sluice.transport.event-loops} (default: the processors the JVM sees, which in a container is its CPU
 * limit, rounded up), the event-loop threads of Sluice's gRPC listeners: a property file cannot compute that default,
 * and a bad value fails here, naming the key. Lowest ordinal: any file, system property or environment variable wins.
 */
public final class ProcessorCountDefault implements ConfigSourceFactory {

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue configured = context.getValue(TransportConfig.EVENT_LOOPS);
        int loops;
        if (configured == null || configured.getValue() == null) {
            loops = Runtime.getRuntime().availableProcessors();
        } else {
            try {
                loops = Integer.parseInt(configured.getValue().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(TransportConfig.EVENT_LOOPS + "=" + configured.getValue()
                        + " is not a number of event loops");
            }
            if (loops < 1) {
                throw new IllegalArgumentException(TransportConfig.EVENT_LOOPS + "=" + loops + " must be at least 1");
            }
        }
        String value = Integer.toString(loops);
        return List.of(new MapBackedConfigSource("sluice-event-loops", Map.of(TransportConfig.EVENT_LOOPS, value), 1) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(1);
    }
}
