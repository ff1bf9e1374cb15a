package io.sluice.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.testing.ToolBinary;

/**
 * Envoy Gateway's own translator, {@code egctl x translate}: Gateway API and Envoy Gateway resources in, the same
 * resources with the status Envoy Gateway would write plus the xDS it would send to Envoy out. The binary is
 * {@code EGCTL_BIN}, else the one the pom installs ({@code src/build/install-egctl.sh}, system property
 * {@code egctl.bin}); a missing binary fails the test, so that CI cannot pass without translating.
 */
final class Egctl {

    static final String BIN_ENV = "EGCTL_BIN";
    static final String BIN_PROPERTY = "egctl.bin";

    private Egctl() {
    }

    /**
     * {@code --to gateway-api,xds,ir -t all -o json} on {@code input}: the JSON object with every input resource with
     * its status (keyed by kind), {@code xds} (one config dump per Gateway, keyed {@code <ns>/<gateway>}) and
     * {@code xdsIR} (Envoy Gateway's intermediate representation, same keys).
     */
    static JsonNode translate(Path workDir, String input) {
        try {
            Path in = Files.createTempFile(workDir, "eg-input-", ".yaml");
            Files.writeString(in, input, StandardCharsets.UTF_8);
            Path out = Files.createTempFile(workDir, "eg-output-", ".json");
            List<String> cmd = List.of(requireBinary().toString(), "x", "translate", "--from", "gateway-api",
                    "--to", "gateway-api,xds,ir", "-t", "all", "-o", "json", "-f", in.toString());
            // stdout to a file: the dump is megabytes, and stderr stays apart for the failure message.
            Process process = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectErrorStream(false).start();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("egctl did not finish within 120 s: " + cmd);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("egctl exited with " + process.exitValue() + ": " + err + "\ninput " + in);
            }
            return new ObjectMapper().readTree(out.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@link #translate(Path, String)} in {@code target/egctl/}, where inputs and outputs stay for a look after a failure. */
    static JsonNode translate(String input) {
        try {
            return translate(Files.createDirectories(Path.of(System.getProperty("sluice.build.dir", "target"), "egctl")), input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path requireBinary() {
        return ToolBinary.require("egctl", BIN_ENV, BIN_PROPERTY, "Run ./mvnw verify (before the integration tests it "
                + "compiles the pinned egctl into .tools/egctl/ with go install), or set " + BIN_ENV
                + " to an egctl binary of that version.");
    }

}
