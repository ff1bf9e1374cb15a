package io.sluice.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What of the tests and of dev mode a packaged application ({@code target/quarkus-app}) carries, one finding per
 * offending jar or entry. The application's own jars (its classes, the generated and the transformed ones) hold none
 * of:
 * <ul>
 * <li>any file compiled or copied from {@code src/test} (in the test output and not in the main output);</li>
 * <li>anything of dev mode's demo: package {@code io.sluice.devmode}, {@code dev/}, the pinned Envoy version;</li>
 * <li>anything in package {@code io.sluice.testing}, or an {@code io.sluice} class named like the test harness's
 * Envoy and echo upstream, generated ones included;</li>
 * <li>a {@code %test.} key in the packaged {@code application.properties};</li>
 * </ul>
 * and {@code lib/} holds no test framework.
 */
final class PackagedAppScan {

    private static final List<String> DEV_ONLY = List.of("io/sluice/devmode/", "dev/", "META-INF/sluice-envoy.properties");
    private static final String HARNESS_PACKAGE = "io/sluice/testing/";
    private static final Pattern HARNESS_NAME = Pattern.compile(
            "io/sluice/(.*/)?(Envoy(Launcher|Admin|AdminPages|Process|Binary|Templates)|Echo[A-Za-z]*|JsonEcho|DemoUpstream"
                    + "|DevDemo|DevEnrichmentSample)([$_].*)?\\.class");
    /** Jar names in lib/ as Quarkus writes them ({@code <groupId>.<artifactId>-<version>.jar}). */
    private static final List<String> TEST_FRAMEWORKS = List.of("org.junit.", "net.jqwik.", "io.rest-assured.", "org.assertj.",
            "org.awaitility.", "org.hamcrest.", "com.code-intelligence.", "org.openjdk.jmh.", "io.quarkus.quarkus-junit",
            "io.quarkus.quarkus-test-", "io.opentelemetry.opentelemetry-sdk-testing", "org.jfree.", "com.networknt.");

    private final Path mainOutput;
    private final Path testOutput;

    /** @param mainOutput {@code target/classes}, @param testOutput {@code target/test-classes} */
    PackagedAppScan(Path mainOutput, Path testOutput) {
        this.mainOutput = mainOutput;
        this.testOutput = testOutput;
    }

    List<String> findings(Path quarkusApp) {
        if (!Files.isRegularFile(quarkusApp.resolve("quarkus-run.jar"))) {
            throw new IllegalArgumentException("not a packaged Quarkus application (no quarkus-run.jar): " + quarkusApp);
        }
        List<String> findings = new ArrayList<>();
        for (Path jar : jars(quarkusApp)) {
            String name = quarkusApp.relativize(jar).toString();
            if (!name.startsWith("lib/")) {
                scanEntries(jar, name, findings);
            } else if (TEST_FRAMEWORKS.stream().anyMatch(jar.getFileName().toString()::startsWith)) {
                // A dependency is judged by its name only: its entries may share paths with ours (dev/cel/... in
                // Envoy's API jar, META-INF/...).
                findings.add(name + ": a test framework");
            }
        }
        return findings;
    }

    private void scanEntries(Path jar, String jarName, List<String> findings) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                String why = offence(entry.getName());
                if (why == null && entry.getName().equals("application.properties")) {
                    why = testKeys(zip, entry);
                }
                if (why != null) {
                    findings.add(jarName + "!/" + entry.getName() + ": " + why);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    private String offence(String entry) {
        if (DEV_ONLY.stream().anyMatch(entry::startsWith)) {
            return "dev mode's demo";
        }
        if (entry.startsWith(HARNESS_PACKAGE) || HARNESS_NAME.matcher(entry).matches()) {
            return "test harness";
        }
        if (!entry.endsWith("/") && Files.exists(testOutput.resolve(entry)) && !Files.exists(mainOutput.resolve(entry))) {
            return "from src/test";
        }
        return null;
    }

    private static String testKeys(ZipFile zip, ZipEntry entry) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = zip.getInputStream(entry)) {
            properties.load(in);
        }
        List<String> keys = properties.stringPropertyNames().stream().filter(k -> k.startsWith("%test.")).sorted().toList();
        return keys.isEmpty() ? null : "test configuration " + keys;
    }

    private static List<Path> jars(Path quarkusApp) {
        try (Stream<Path> walk = Files.walk(quarkusApp)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
