package io.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * Each key of {@link ConfigBounds} just outside and just inside its bound, and the table against the mappings: a new
 * numeric or duration key without a bound fails here. A plain unit test; {@code NegativeMessageLimitTest} is the real
 * start-up.
 */
class ConfigBoundsTest {

    static Stream<Arguments> valuesOutside() {
        return ConfigBounds.KEYS.stream().flatMap(key -> outside(key.bound()).stream()
                .map(value -> Arguments.of(concrete(key.key()), value)));
    }

    static Stream<Arguments> valuesInside() {
        return ConfigBounds.KEYS.stream().flatMap(key -> inside(key.bound()).stream()
                .map(value -> Arguments.of(concrete(key.key()), value)));
    }

    /** A key of a {@code *} entry: one of a stage's, a name of an author's own. */
    static String concrete(String key) {
        return key.replace(".*.", ".request-id.");
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("valuesOutside")
    void aValueOutsideTheBoundIsNamedWithItsKeyValueAndBound(String key, String value) {
        List<ConfigBounds.Violation> violations = ConfigBounds.violations(config(Map.of(key, value)));
        assertThat(violations).hasSize(1);
        assertThat(violations.get(0).key()).isEqualTo(key);
        assertThat(violations.get(0).message()).startsWith(key + "=" + value + " " + bound(key).describe());
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("valuesInside")
    void aValueAtTheBoundPasses(String key, String value) {
        assertThat(ConfigBounds.violations(config(Map.of(key, value)))).isEmpty();
    }

    @Test
    void everyViolationIsListedAtOnce() {
        SmallRyeConfig config = config(Map.of("sluice.exchange.max-message-bytes", "-5", "sluice.shutdown.delay", "-1s"));
        assertThatThrownBy(() -> ConfigBoundsCheck.check(config))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("2 settings out of bounds")
                .hasMessageContaining("sluice.exchange.max-message-bytes=-5 must be at least 1")
                .hasMessageContaining("sluice.shutdown.delay=-1s must not be negative")
                .satisfies(e -> assertThat(((ConfigurationException) e).getConfigKeys())
                        .containsExactlyInAnyOrder("sluice.exchange.max-message-bytes", "sluice.shutdown.delay"));
    }

    @Test
    void theDefaultsAreInsideTheirBounds() throws IOException {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDiscoveredConverters()
                // The one key without a default (ProcessorCountDefault supplies it at run time).
                .withSources(new PropertiesConfigSource(Map.of("sluice.transport.event-loops", "1"), "test", 500));
        mappings().forEach(builder::withMapping);
        SmallRyeConfig config = builder.build();
        assertThat(config.getOptionalValue("sluice.exchange.max-message-bytes", Long.class)).as("a mapping's default").hasValue(8388608L);
        assertThat(ConfigBounds.violations(config)).isEmpty();
    }

    @Test
    void everyNumericAndDurationKeyOfEveryMappingHasABound() throws IOException {
        Set<String> mapped = new TreeSet<>();
        List<Class<?>> mappings = mappings();
        for (Class<?> mapping : mappings) {
            collect(mapping, mapping.getAnnotation(ConfigMapping.class).prefix(), mapped);
        }
        assertThat(mappings).as("the mappings found").hasSizeGreaterThanOrEqualTo(13);
        Set<String> bounded = ConfigBounds.KEYS.stream().map(ConfigBounds.KeyBound::key).collect(Collectors.toCollection(TreeSet::new));
        assertThat(bounded).isEqualTo(mapped);
    }

    private static Bound bound(String key) {
        return ConfigBounds.KEYS.stream().filter(k -> concrete(k.key()).equals(key)).findFirst().orElseThrow().bound();
    }

    @Test
    void aStarEntryBoundsEveryStagesKeyAndNoOther() {
        List<ConfigBounds.Violation> violations = ConfigBounds.violations(config(Map.of("sluice.stage.a.timeout", "0s",
                "sluice.stage.\"b.c\".failure-status", "100", "sluice.stage.a.nested.timeout", "0s",
                "sluice.stage.a.timeout-x", "0s")));
        assertThat(violations).extracting(ConfigBounds.Violation::key)
                .containsExactlyInAnyOrder("sluice.stage.a.timeout", "sluice.stage.\"b.c\".failure-status");
    }

    private static List<String> outside(Bound bound) {
        if (bound instanceof Bound.Whole w) {
            return w.max() == Long.MAX_VALUE ? List.of(Long.toString(w.min() - 1))
                    : List.of(Long.toString(w.min() - 1), Long.toString(w.max() + 1));
        }
        if (bound instanceof Bound.Time t) {
            return t.zeroAllowed() ? List.of("-1ms") : List.of("0s", "-1ms", "PT0.0005S");
        }
        return List.of("-0.01", "1.01");
    }

    private static List<String> inside(Bound bound) {
        if (bound instanceof Bound.Whole w) {
            return w.max() == Long.MAX_VALUE ? List.of(Long.toString(w.min()))
                    : List.of(Long.toString(w.min()), Long.toString(w.max()));
        }
        if (bound instanceof Bound.Time t) {
            return t.zeroAllowed() ? List.of("0s") : List.of("1ms");
        }
        return List.of("0", "1");
    }

    private static SmallRyeConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder().addDiscoveredConverters()
                .withSources(new PropertiesConfigSource(values, "test", 500)).build();
    }

    /** Every {@code @ConfigMapping} among the main classes. */
    private static List<Class<?>> mappings() throws IOException {
        Path classes = Path.of(ConfigBounds.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        List<Class<?>> mappings = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                if (!new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("Lio/smallrye/config/ConfigMapping;")) {
                    continue;
                }
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                try {
                    Class<?> type = Class.forName(name, false, ConfigBoundsTest.class.getClassLoader());
                    if (type.isAnnotationPresent(ConfigMapping.class)) {
                        mappings.add(type);
                    }
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return mappings;
    }

    /** The numeric and duration keys of a mapping interface, nested groups included, as SmallRye names them. */
    private static void collect(Class<?> type, String prefix, Set<String> keys) {
        for (Method method : type.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            WithName withName = method.getAnnotation(WithName.class);
            String key = method.isAnnotationPresent(WithParentName.class) ? prefix
                    : prefix + "." + (withName != null ? withName.value() : kebab(method.getName()));
            Type returned = method.getGenericReturnType();
            if (numeric(returned)) {
                keys.add(key);
            } else if (group(method.getReturnType())) {
                collect(method.getReturnType(), key, keys);
            } else if (returned instanceof ParameterizedType generic) {
                // Maps and lists of groups: a numeric member there would need a bound per entry.
                for (Type argument : generic.getActualTypeArguments()) {
                    if (argument instanceof Class<?> element && group(element)) {
                        collect(element, key + ".*", keys);
                    }
                }
            }
        }
    }

    private static boolean numeric(Type type) {
        if (type instanceof ParameterizedType generic && generic.getRawType() == Optional.class) {
            return numeric(generic.getActualTypeArguments()[0]);
        }
        return Set.<Type>of(int.class, long.class, double.class, Integer.class, Long.class, Double.class, Duration.class,
                OptionalInt.class, OptionalLong.class, OptionalDouble.class).contains(type);
    }

    private static boolean group(Class<?> type) {
        return type.isInterface() && type.getName().startsWith("io.sluice.");
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
