package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

import io.sluice.testing.Packaged;

/**
 * The application {@code package} wrote ({@code target/quarkus-app}) carries no test harness, nothing of dev mode's
 * demo and no test configuration; see {@link PackagedAppScan} for what each of those is.
 */
@Packaged
class PackagedAppContentsIT {

    @Test
    void carriesNoTestOrDevModeFiles() throws IOException {
        Path build = RepoPaths.buildDir();
        Path app = build.resolve("quarkus-app");
        try (Stream<Path> jars = Files.list(app.resolve("app"))) {
            List<Path> appJars = jars.filter(p -> p.toString().endsWith(".jar")).toList();
            assertThat(appJars).hasSize(1);
            try (ZipFile jar = new ZipFile(appJars.get(0).toFile())) {
                assertThat(jar.getEntry("io/sluice/transport/ExternalProcessorService.class")).as("the application itself")
                        .isNotNull();
            }
        }
        assertThat(new PackagedAppScan(build.resolve("classes"), build.resolve("test-classes")).findings(app))
                .as("dev-mode files stay out through quarkus.package.jar.user-configured-ignored-entries in "
                        + "application.properties; test files and test configuration belong in src/test")
                .isEmpty();
    }
}
