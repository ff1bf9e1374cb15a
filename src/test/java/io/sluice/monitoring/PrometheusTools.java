package io.sluice.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.sluice.testing.ToolBinary;

/**
 * Where {@code prometheus} and {@code promtool} are: the environment variables {@code PROMETHEUS_BIN} and
 * {@code PROMTOOL_BIN} first, then the system properties the pom sets ({@code .tools/prometheus/}, filled by
 * {@code src/build/install-prometheus.sh} before the integration tests).
 */
public final class PrometheusTools {

    /** What a promtool command printed (stdout and stderr together) and its exit code. */
    public record Result(int exitCode, String output) {
    }

    private PrometheusTools() {
    }

    public static Path prometheus() {
        return require("prometheus", "PROMETHEUS_BIN", "prometheus.bin");
    }

    public static Path promtool() {
        return require("promtool", "PROMTOOL_BIN", "promtool.bin");
    }

    /**
     * Runs {@code promtool <args>} in {@code dir} with {@code stdin} (may be null) and waits at most a minute. The input
     * goes through a file: promtool stops reading at the first line it cannot parse.
     */
    public static Result promtool(Path dir, String stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(promtool().toString());
        cmd.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
            if (stdin != null) {
                Path input = Files.createTempFile(dir, "promtool-", ".in");
                Files.writeString(input, stdin, StandardCharsets.UTF_8);
                input.toFile().deleteOnExit();
                builder.redirectInput(input.toFile());
            }
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("promtool did not finish within 60 s: " + cmd);
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path require(String tool, String env, String property) {
        return ToolBinary.require(tool, env, property, "Run ./mvnw verify (before the integration tests it provides " + tool
                + " in .tools/prometheus/, fetching the Debian package prometheus if needed), or sudo apt-get install "
                + "prometheus, or set " + env + " to a " + tool + " binary.");
    }

}
