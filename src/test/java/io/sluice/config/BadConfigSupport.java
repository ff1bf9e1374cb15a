package io.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.jboss.shrinkwrap.api.asset.StringAsset;

import io.quarkus.test.QuarkusUnitTest;

/** Builds a Sluice that must refuse to start, and checks that the failure names the offending key. */
final class BadConfigSupport {

    private BadConfigSupport() {
    }

    static QuarkusUnitTest sluiceWith(String key, String value, String... expectedFragments) {
        return sluiceWith(Map.of(key, value), expectedFragments);
    }

    static QuarkusUnitTest sluiceWith(Map<String, String> config, String... expectedFragments) {
        QuarkusUnitTest test = new QuarkusUnitTest();
        config.forEach(test::overrideConfigKey);
        return test
                .withApplicationRoot(jar -> jar
                        .addPackages(true, "io.sluice.config", "io.sluice.exchange", "io.sluice.observability",
                                "io.sluice.pipeline", "io.sluice.stage", "io.sluice.stages", "io.sluice.enrichment", "io.sluice.lifecycle", "io.sluice.transport", "io.sluice.testing", "io.sluice.example",
                                "io.sluice.warmup")
                        .addAsResource(new StringAsset(applicationProperties()), "application.properties")
                        .addAsResource("META-INF/microprofile-config.properties")
                        .addAsResource("META-INF/services/io.smallrye.config.ConfigSourceFactory"))
                .assertException(failure -> {
                    Throwable root = failure;
                    StringBuilder messages = new StringBuilder();
                    while (root != null) {
                        messages.append(root.getMessage()).append('\n');
                        root = root.getCause();
                    }
                    for (String fragment : expectedFragments) {
                        assertThat(messages.toString()).contains(fragment);
                    }
                });
    }

    /**
     * The main application.properties followed by the test one (src/test/resources), as one file: the application a
     * QuarkusUnitTest builds reads only its own resources, and it may hold only one application.properties.
     */
    private static String applicationProperties() {
        try {
            List<URL> files = new ArrayList<>(Collections.list(
                    BadConfigSupport.class.getClassLoader().getResources("application.properties")));
            String testOutput = BadConfigSupport.class.getProtectionDomain().getCodeSource().getLocation().toString();
            files.sort(Comparator.comparing(url -> url.toString().startsWith(testOutput)));
            if (files.size() != 2) {
                throw new IllegalStateException("expected the main and the test application.properties, found " + files);
            }
            StringBuilder merged = new StringBuilder();
            for (URL file : files) {
                try (InputStream in = file.openStream()) {
                    merged.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
                }
            }
            return merged.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
