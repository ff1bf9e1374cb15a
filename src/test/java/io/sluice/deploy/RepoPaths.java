package io.sluice.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Folders of the checkout the tests run in; surefire and failsafe both run in the project's base directory. */
final class RepoPaths {

    private RepoPaths() {
    }

    static Path root() {
        Path root = Path.of(System.getProperty("basedir", "")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("pom.xml"))) {
            throw new IllegalStateException("not the project root (no pom.xml): " + root);
        }
        return root;
    }

    static Path kubernetes() {
        return root().resolve("kubernetes");
    }

    static Path docker() {
        return root().resolve("docker");
    }

    /**
     * Maven's build directory, passed by failsafe: the *IT classes read what {@code package} wrote there. A
     * missing property is an error, not a reason to guess.
     */
    static Path buildDir() {
        String dir = System.getProperty("sluice.build.dir");
        if (dir == null || dir.isBlank()) {
            throw new IllegalStateException("system property sluice.build.dir is not set: run through maven-failsafe-plugin");
        }
        return Path.of(dir);
    }
}
