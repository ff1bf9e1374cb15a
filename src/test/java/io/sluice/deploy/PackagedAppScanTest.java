package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PackagedAppScan finds each kind of test or dev-mode file in a packaged application, and nothing else. */
class PackagedAppScanTest {

    @TempDir
    Path dir;

    @Test
    void findsEveryKindOfHarnessAndNothingElse() throws IOException {
        Path classes = dir.resolve("classes");
        Path testClasses = dir.resolve("test-classes");
        file(classes.resolve("application.properties"));
        file(testClasses.resolve("application.properties"));
        file(testClasses.resolve("io/sluice/e2e/SomeE2eTest.class"));
        file(testClasses.resolve("META-INF/BenchmarkList"));
        Path app = dir.resolve("quarkus-app");
        jar(app.resolve("quarkus-run.jar"), Map.of());
        Map<String, String> appJar = new LinkedHashMap<>();
        appJar.put("io/sluice/stages/DenyStage.class", "");
        appJar.put("application.properties", "sluice.a=1\n%test.sluice.b=2\n%dev.sluice.c=3\n");
        appJar.put("io/sluice/e2e/SomeE2eTest.class", "");
        appJar.put("io/sluice/testing/", "");
        appJar.put("io/sluice/devmode/DevDemo.class", "");
        appJar.put("META-INF/sluice-envoy.properties", "");
        jar(app.resolve("app/sluice.jar"), appJar);
        jar(app.resolve("quarkus/generated-bytecode.jar"), Map.of(
                "io/sluice/stages/DenyStage_Bean.class", "",
                "io/sluice/contract/EchoUpstream_Bean.class", ""));
        jar(app.resolve("lib/main/net.jqwik.jqwik-api-1.9.3.jar"), Map.of());
        jar(app.resolve("lib/main/io.envoyproxy.controlplane.api-1.0.49.jar"),
                Map.of("META-INF/BenchmarkList", "", "dev/cel/expr/Expr.class", "", "io/sluice/testing/Foo.class", ""));

        assertThat(new PackagedAppScan(classes, testClasses).findings(app)).containsExactly(
                        "app/sluice.jar!/application.properties: test configuration [%test.sluice.b]",
                        "app/sluice.jar!/io/sluice/e2e/SomeE2eTest.class: from src/test",
                        "app/sluice.jar!/io/sluice/testing/: test harness",
                        "app/sluice.jar!/io/sluice/devmode/DevDemo.class: dev mode's demo",
                        "app/sluice.jar!/META-INF/sluice-envoy.properties: dev mode's demo",
                        "lib/main/net.jqwik.jqwik-api-1.9.3.jar: a test framework",
                        "quarkus/generated-bytecode.jar!/io/sluice/contract/EchoUpstream_Bean.class: test harness");
    }

    private static void file(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "");
    }

    private static void jar(Path path, Map<String, String> entries) throws IOException {
        Files.createDirectories(path.getParent());
        try (OutputStream out = Files.newOutputStream(path); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }
}
