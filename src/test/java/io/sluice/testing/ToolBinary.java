package io.sluice.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a tool the build provides before the integration tests is (h2load, prometheus, promtool, egctl): the
 * environment variable a user may set, then the system property the build sets. When neither names an executable,
 * the failure says what was looked at and how to get the tool, so a missing tool fails the test, never skips it.
 */
public final class ToolBinary {

    private ToolBinary() {
    }

    /** @param howToGet the sentence that ends the failure, e.g. "Run ./mvnw verify (...), or set H2LOAD_BIN ..." */
    public static Path require(String tool, String env, String property, String howToGet) {
        List<String> looked = new ArrayList<>();
        return candidate("env " + env, System.getenv(env), looked)
                .or(() -> candidate("system property " + property, System.getProperty(property), looked))
                .orElseThrow(() -> new IllegalStateException(tool + " not found. Looked at: "
                        + (looked.isEmpty() ? "nothing (neither " + env + " nor -D" + property + " is set)" : looked)
                        + ".\n  " + howToGet));
    }

    private static Optional<Path> candidate(String source, String value, List<String> looked) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Path path = Path.of(value);
        if (Files.isRegularFile(path) && Files.isExecutable(path)) {
            return Optional.of(path);
        }
        looked.add(source + ": " + path + (Files.exists(path) ? " (not executable)" : " (missing)"));
        return Optional.empty();
    }
}
