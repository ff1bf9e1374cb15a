package io.sluice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.sluice.testing.Packaged;

/**
 * The stage test kit as a stage author gets it: {@code src/it/stage-consumer}, a project of its own, compiles its
 * stage and runs its test against the jars {@code package} just wrote, resolved as Maven dependencies
 * ({@code io.sluice:sluice} and its {@code stage-test-kit} classifier). They sit in a local repository of the test's
 * own, laid out as {@code install} would; everything else comes, offline, from this build's local repository behind
 * it ({@code maven.repo.local.tail}), so nothing is installed there.
 */
@Packaged
class StageTestKitConsumerIT {

    static final String VERSION = required("sluice.version");
    static final Path MAIN_JAR = RepoPaths.buildDir().resolve("sluice-" + VERSION + ".jar");
    static final Path KIT_JAR = RepoPaths.buildDir().resolve("sluice-" + VERSION + "-stage-test-kit.jar");

    @TempDir
    static Path work;

    static Path consumer;
    static int exit;
    static String output;

    @BeforeAll
    static void buildTheConsumer() throws IOException, InterruptedException {
        Path repo = work.resolve("repo");
        Path artifacts = Files.createDirectories(repo.resolve("io/sluice/sluice").resolve(VERSION));
        Files.copy(MAIN_JAR, artifacts.resolve(MAIN_JAR.getFileName()));
        Files.copy(KIT_JAR, artifacts.resolve(KIT_JAR.getFileName()));
        Files.copy(RepoPaths.root().resolve("pom.xml"), artifacts.resolve("sluice-" + VERSION + ".pom"));
        consumer = copy(RepoPaths.root().resolve("src/it/stage-consumer"), work.resolve("consumer"));
        Path log = work.resolve("consumer.log");
        Process maven = new ProcessBuilder(RepoPaths.root().resolve("mvnw").toString(), "-B", "-o",
                "-f", consumer.resolve("pom.xml").toString(),
                "-Dmaven.repo.local=" + repo, "-Dmaven.repo.local.tail=" + required("sluice.local.repository"),
                "-Dsluice.version=" + VERSION, "-Dquarkus.platform.version=" + required("sluice.quarkus.version"),
                "test")
                .directory(consumer.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!maven.waitFor(10, TimeUnit.MINUTES)) {
            maven.destroyForcibly();
            throw new AssertionError("the consumer's build did not end within 10 minutes; log: " + log);
        }
        exit = maven.exitValue();
        output = Files.readString(log);
    }

    @Test
    void theKitHoldsTheKitAlone() throws IOException {
        List<String> classes = new ArrayList<>();
        try (JarFile jar = new JarFile(KIT_JAR.toFile())) {
            jar.stream().map(JarEntry::getName).filter(name -> name.endsWith(".class")).forEach(classes::add);
        }
        assertThat(classes).contains("io/sluice/stagetest/StageTestKit.class", "io/sluice/stagetest/StageConfig.class",
                "io/sluice/stagetest/ReplyAssert.class", "io/sluice/stagetest/EnvoyMessages.class");
        assertThat(classes).allMatch(name -> name.startsWith("io/sluice/stagetest/"))
                .noneMatch(name -> name.matches(".*Test(\\$.*)?\\.class"));
    }

    @Test
    void theConsumersStageCompilesAndItsTestPassesAgainstTheKit() {
        assertThat(exit).as("the consumer's build failed:%n%s", output).isZero();
        Matcher run = Pattern.compile("Tests run: (\\d+), Failures: (\\d+), Errors: (\\d+), Skipped: (\\d+)\\s*$",
                Pattern.MULTILINE).matcher(output);
        assertThat(run.find()).as("no test summary in:%n%s", output).isTrue();
        assertThat(Integer.parseInt(run.group(1))).as("tests run").isEqualTo(2);
        assertThat(run.group(2) + run.group(3) + run.group(4)).as("failures, errors, skipped").isEqualTo("000");
        assertThat(consumer.resolve("target/classes/com/example/stages/RequestIdStage.class")).isRegularFile();
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run through maven-failsafe-plugin");
        }
        return value;
    }
}
