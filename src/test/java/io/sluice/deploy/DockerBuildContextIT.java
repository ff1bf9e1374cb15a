package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.sluice.testing.Packaged;

/**
 * After {@code package}, every source that {@code docker/Dockerfile.jvm} copies exists in the fast-jar layout,
 * so {@code docker build} (which cannot run on this machine) would find its inputs.
 */
@Packaged
class DockerBuildContextIT {

    @Test
    void everyCopySourceExistsAfterPackage() throws IOException {
        Path root = RepoPaths.root();
        Path app = RepoPaths.buildDir().resolve("quarkus-app");
        assertThat(app.resolve("quarkus-run.jar")).isRegularFile();
        List<Path> candidates;
        try (Stream<Path> walk = Files.walk(app, 1)) {
            candidates = walk.map(p -> root.relativize(p.toAbsolutePath())).toList();
        }
        List<Dockerfile.Instruction> copies = Dockerfile.parse(RepoPaths.docker().resolve("Dockerfile.jvm")).all("COPY");
        assertThat(copies).isNotEmpty();
        for (Dockerfile.Instruction copy : copies) {
            for (String source : copy.sources()) {
                String pattern = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
                PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
                assertThat(candidates).as("line %d: COPY %s", copy.line(), source).anyMatch(matcher::matches);
            }
        }
    }
}
