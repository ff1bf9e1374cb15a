package io.sluice.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

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
                        .addAsResource("application.properties")
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

}
