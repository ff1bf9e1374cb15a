package io.sluice.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** The README's example stage is this package's code, as compiled and tested, and stays short. */
class ReadmeExampleTest {

    static final Path ROOT = Path.of(System.getProperty("user.dir"));

    static final Path CONSUMER = ROOT.resolve("src/it/stage-consumer");

    /** The first ```java block after the "Writing a stage" heading. */
    static List<String> readmeExample() throws IOException {
        return readmeBlock("## Writing a stage", "```java");
    }

    /** The first block of {@code fence} after {@code heading}. */
    static List<String> readmeBlock(String heading, String fence) throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
        int at = lines.indexOf(heading);
        assertThat(at).as("README heading %s", heading).isNotNegative();
        while (!lines.get(at).equals(fence)) {
            at++;
        }
        List<String> block = new ArrayList<>();
        for (at++; !lines.get(at).equals("```"); at++) {
            block.add(lines.get(at));
        }
        return block;
    }

    /** A source file from its first annotation on, without comments: what the README shows of it. */
    static List<String> shown(String file) throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("src/test/java/io/sluice/example").resolve(file));
        int start = 0;
        while (!lines.get(start).startsWith("@")) {
            start++;
        }
        return lines.subList(start, lines.size()).stream()
                .filter(line -> !line.trim().startsWith("/**") && !line.trim().startsWith("*") && !line.trim().startsWith("//"))
                .collect(Collectors.toList());
    }

    @Test
    void theReadmeShowsTheConfigAndTheStageAsTheyAre() throws IOException {
        List<String> expected = new ArrayList<>(shown("TenantConfig.java"));
        expected.removeIf(String::isBlank);
        List<String> stage = shown("TenantStage.java");
        List<String> example = readmeExample();
        List<String> config = example.subList(0, example.indexOf(""));
        assertThat(config).isEqualTo(expected);
        assertThat(example.subList(example.indexOf("") + 1, example.size())).isEqualTo(stage);
    }

    @Test
    void theReadmeShowsTheConsumersTestAsItIs() throws IOException {
        List<String> test = Files.readAllLines(CONSUMER.resolve("src/test/java/com/example/stages/RequestIdStageTest.java"));
        List<String> block = readmeBlock("### Testing a stage in your own project", "```java");
        assertThat(block).isEqualTo(test.subList(test.indexOf("class RequestIdStageTest {"), test.size()));
    }

    @Test
    void theReadmesDependenciesAreTheConsumersOwn() throws IOException {
        List<String> pom = Files.readAllLines(CONSUMER.resolve("pom.xml")).stream().map(String::trim).toList();
        List<String> block = readmeBlock("### Testing a stage in your own project", "```xml").stream().map(String::trim).toList();
        assertThat(java.util.Collections.indexOfSubList(pom, block)).as("%s in the consumer's pom.xml", block).isNotNegative();
    }

    @Test
    void theExampleStageStaysUnderThirtyLines() throws IOException {
        assertThat(shown("TenantStage.java")).hasSizeLessThan(30);
    }
}
