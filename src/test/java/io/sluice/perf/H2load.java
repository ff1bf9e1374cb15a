package io.sluice.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.sluice.testing.ToolBinary;

/**
 * One run of h2load (Debian package nghttp2-client) as a process of its own. Its summary goes to
 * {@code <dir>/<name>.txt} and its per-request log ({@code --log-file}) to {@code <dir>/<name>.log}; both are
 * overwritten by the next run of the same name, so the files left behind show the last one.
 *
 * <p>h2load exits 0 even when every request failed (a refused connection included), so callers must look at the
 * {@link H2loadResult}, not only at the exit code.
 */
public final class H2load {

    public static final String BIN_ENV = "H2LOAD_BIN";
    public static final String BIN_PROPERTY = "h2load.bin";

    private H2load() {
    }

    /** Runs {@code h2load <options> --log-file <dir>/<name>.log <uri>} and waits at most {@code timeout}. */
    public static H2loadResult run(String name, Path dir, List<String> options, URI uri, Duration timeout) {
        Path bin = requireBinary();
        try {
            Files.createDirectories(dir);
            Path output = dir.resolve(name + ".txt");
            Path log = dir.resolve(name + ".log");
            Files.deleteIfExists(log);
            List<String> cmd = new ArrayList<>();
            cmd.add(bin.toString());
            cmd.addAll(options);
            cmd.add("--log-file=" + log);
            cmd.add(uri.toString());
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("h2load did not finish within " + timeout + ": " + String.join(" ", cmd)
                        + "\n" + read(output));
            }
            String text = read(output);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("h2load exited with " + process.exitValue() + ": " + String.join(" ", cmd)
                        + "\n" + text);
            }
            return H2loadResult.parse(String.join(" ", cmd), text, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run h2load (" + bin + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while h2load ran", e);
        }
    }

    /** First executable of: env {@code H2LOAD_BIN}, system property {@code h2load.bin} (set by the pom). */
    public static Path requireBinary() {
        return ToolBinary.require("h2load", BIN_ENV, BIN_PROPERTY, "Run ./mvnw verify (before the integration tests it "
                + "provides h2load in .tools/h2load/, fetching the Debian package nghttp2-client if needed), or sudo "
                + "apt-get install nghttp2-client, or set " + BIN_ENV + " to an h2load binary.");
    }


    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
