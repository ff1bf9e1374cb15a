package io.sluice.stagetest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.sluice.stage.StagePolicies;
import io.sluice.stage.StagePolicy;
import io.sluice.stage.StagePolicyKeys;

/**
 * A stage's configuration as Sluice would read it, without Quarkus: its typed {@code @ConfigMapping} interfaces and
 * its policy from the same properties, e.g. {@code StageConfig.of(TenantConfig.class,
 * "sluice.stage.tenant.allowed=acme")}. Like Sluice, it fails on a {@code sluice.stage.*} key nothing reads (a
 * misspelt one), converts durations such as {@code 50ms}, and reads the defaults that stage jars ship in
 * {@code META-INF/microprofile-config.properties}, below the given properties. It reads neither system properties nor
 * the environment, so that a test sees only what it says.
 */
public final class StageConfig {

    private static final String DEFAULTS = "META-INF/microprofile-config.properties";

    private final SmallRyeConfig config;

    private StageConfig(SmallRyeConfig config) {
        this.config = config;
    }

    /** @param keyValues {@code key=value} lines, as in {@code application.properties} */
    public static StageConfig of(Class<?> mapping, String... keyValues) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String keyValue : keyValues) {
            int eq = keyValue.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + keyValue + "'");
            }
            properties.put(keyValue.substring(0, eq).trim(), keyValue.substring(eq + 1).trim());
        }
        return of(properties, mapping);
    }

    /** @param mappings every {@code @ConfigMapping} interface the properties are for, as registered in Sluice */
    public static StageConfig of(Map<String, String> properties, Class<?>... mappings) {
        try {
            SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                    .addDefaultInterceptors()
                    .withConverter(Duration.class, 200, new DurationConverter())
                    .withMapping(StagePolicyKeys.class)
                    .withSources(new PropertiesConfigSource(properties, "StageConfig", 400));
            for (Class<?> mapping : mappings) {
                builder.withMapping(mapping);
            }
            shippedDefaults().forEach((source, values) -> builder.withSources(new PropertiesConfigSource(values, source, 100)));
            return new StageConfig(builder.build());
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof NoClassDefFoundError missing && missing.getMessage().startsWith("org/objectweb/asm/")) {
                throw new IllegalStateException("outside Quarkus, SmallRye Config writes the classes behind a @ConfigMapping "
                        + "at run time, with ASM: add org.ow2.asm:asm to the test dependencies (its version is in the "
                        + "Quarkus BOM)", e);
            }
            throw e;
        }
    }

    /** No properties: every key at its default. */
    public static StageConfig defaults(Class<?>... mappings) {
        return of(Map.of(), mappings);
    }

    /** The typed configuration, as the stage's constructor gets it in Sluice. */
    public <T> T mapping(Class<T> type) {
        return config.getConfigMapping(type);
    }

    /** The policy the pipeline binds for {@code stage} (its name in {@code sluice.pipelines.<p>.stages}). */
    public StagePolicy policy(String stage) {
        return StagePolicies.of(config.getConfigMapping(StagePolicyKeys.class), stage);
    }

    private static Map<String, Map<String, String>> shippedDefaults() {
        Map<String, Map<String, String>> sources = new HashMap<>();
        try {
            Enumeration<URL> files = StageConfig.class.getClassLoader().getResources(DEFAULTS);
            while (files.hasMoreElements()) {
                URL file = files.nextElement();
                Properties values = new Properties();
                try (InputStream in = file.openStream()) {
                    values.load(in);
                }
                Map<String, String> map = new HashMap<>();
                values.stringPropertyNames().forEach(name -> map.put(name, values.getProperty(name)));
                sources.put(file.toString(), map);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sources;
    }
}
