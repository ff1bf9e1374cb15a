package io.sluice.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.quarkus.test.QuarkusUnitTest;
import io.quarkus.test.junit.QuarkusTest;

/** Every test class of this build carries the tag of the run it belongs to (README, "Tests"). */
class TestPlacementTest {

    @Test
    void everyTestClassIsWhereItBelongs() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(TestPlacementTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> problems = new ArrayList<>();
        int classes = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                problems.addAll(TestPlacement.problems(Class.forName(name, false, getClass().getClassLoader())));
                classes++;
            }
        }
        assertThat(classes).as("test classes found under " + root).isGreaterThan(100);
        assertThat(problems).isEmpty();
    }

    @Test
    void aMisplacedClassIsNamed() {
        assertThat(TestPlacement.problems(UntaggedIT.class)).containsExactly("UntaggedIT is named *IT, so it must be @Packaged");
        assertThat(TestPlacement.problems(PackagedButNamedTest.class))
                .containsExactly("PackagedButNamedTest is @Packaged, which is for a class that is named *IT");
        assertThat(TestPlacement.problems(BadConfigTest.class))
                .containsExactly("BadConfigTest builds a QuarkusUnitTest, so it must be @StartupFailure");
        assertThat(TestPlacement.problems(QuarkusIT.class))
                .containsExactly("QuarkusIT is @Packaged and @QuarkusTest: failsafe runs plain JUnit against the packaged application");
        assertThat(TestPlacement.problems(FuzzingTest.class))
                .containsExactly("FuzzingTest has @FuzzTest methods, so it must be @Fuzz");
        assertThat(TestPlacement.problems(NamedLikeNothing.class))
                .containsExactly("NamedLikeNothing never runs: surefire and failsafe look only at names ending in Test, IT or Benchmark");
        assertThat(TestPlacement.problems(TwoRunsIT.class)).containsExactly(
                "TwoRunsIT has tags [bench, packaged]: one run executes a class",
                "TwoRunsIT is @Bench, which is for a class that is named *Benchmark");
        assertThat(TestPlacement.problems(PlacedIT.class)).isEmpty();
    }

    // Fixtures: nested classes, which neither surefire nor failsafe runs (their default excludes **/*$*).

    static class UntaggedIT {
        @Test
        void t() {
        }
    }

    @Packaged
    static class PackagedButNamedTest {
        @Test
        void t() {
        }
    }

    static class BadConfigTest {
        @RegisterExtension
        static QuarkusUnitTest app;

        @Test
        void t() {
        }
    }

    @Packaged
    @QuarkusTest
    static class QuarkusIT {
        @Test
        void t() {
        }
    }

    static class FuzzingTest {
        @FuzzTest
        void f(byte[] input) {
        }
    }

    static class NamedLikeNothing {
        @Test
        void t() {
        }
    }

    @Packaged
    @Bench
    static class TwoRunsIT {
        @Test
        void t() {
        }
    }

    @Packaged
    static class PlacedIT {
        @Test
        void t() {
        }
    }
}
