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
 * limit, rounded up) and feeds it to {@code quarkus.grpc.server.instances}: the separate gRPC server's Netty worker group
 * is made of one Vert.x event loop per gRPC verticle, and Quarkus' default of 1 put every ext_proc connection on one
 * thread whatever the cores. A property file cannot compute the default, and a bad value must fail here, naming the key,
 * before Vert.x refuses to deploy the verticles with a message that names none. Lowest ordinal: any file, system
 * property or environment variable wins, {@code quarkus.grpc.server.instances} itself included.
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
                throw new IllegalArgumentException(TransportConfig.EVENT_LOOPS + "=" + loops + " must be between 1 and "
                        + "the Vert.x event loops (quarkus.vertx.event-loops-pool-size)");
            }
        }
        String value = Integer.toString(loops);
        return List.of(new MapBackedConfigSource("sluice-event-loops", Map.of(TransportConfig.EVENT_LOOPS, value,
                "quarkus.grpc.server.instances", value), 1) {
        });
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(1);
    }
}
