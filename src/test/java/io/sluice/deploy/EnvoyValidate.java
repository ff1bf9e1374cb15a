package io.sluice.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.sluice.devmode.EnvoyBinary;

/**
 * {@code envoy --mode validate}: parses a bootstrap and builds every listener, filter and cluster without binding
 * a port or resolving a hostname. Uses the Envoy the build installs (or ENVOY_BIN), and fails without one.
 */
final class EnvoyValidate {

    record Result(int exitCode, String output) {
    }

    private EnvoyValidate() {
    }

    static Result run(Path config) throws IOException, InterruptedException {
        Path envoy = EnvoyBinary.require();
        Path log = Files.createTempFile("envoy-validate", ".log");
        try {
            Process process = new ProcessBuilder(envoy.toString(), "--mode", "validate", "-c", config.toString(),
                    // No shared memory: other Envoys (dev mode, e2e tests) may be running on this machine.
                    "--disable-hot-restart")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("envoy --mode validate did not finish in 60 s");
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
