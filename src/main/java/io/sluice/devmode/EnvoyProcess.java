package io.sluice.devmode;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * One real Envoy process on a bootstrap configuration, started and ready (admin {@code /ready} says LIVE), and
 * stopped on {@link #close()} or when the JVM exits.
 *
 * <p>Everything here blocks (process start, polling, admin HTTP calls): it serves dev-mode start-up and tests, which
 * run on ordinary threads; admin calls from a Vert.x event loop are refused.
 *
 * <p>Files go to {@code target/envoy/} under the working directory: {@code <name>.yaml} (the bootstrap),
 * {@code <name>.log} (Envoy's stdout and stderr, including the access log of our templates), {@code <name>.admin}
 * (admin address written by Envoy) and {@code <name>.pid}. Names must therefore be unique among the Envoys running at
 * once; {@link #start} enforces that in this JVM.
 *
 * <p>Envoys run with {@code --disable-hot-restart}, which means no shared-memory region and no domain socket, so
 * several can run side by side without {@code --base-id}; and with one worker thread, so that the number of
 * connections to the processor is deterministic.
 */
public final class EnvoyProcess implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EnvoyProcess.class);
    private static final Set<String> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 40;

    private final String name;
    private final Process process;
    private final Path configFile;
    private final Path logFile;
    private final Thread reaper;
    private volatile EnvoyAdmin admin;
    private volatile boolean closed;

    private EnvoyProcess(String name, Process process, Path configFile, Path logFile) {
        this.name = name;
        this.process = process;
        this.configFile = configFile;
        this.logFile = logFile;
        // An Envoy that outlives the JVM would keep its ports (10080 in dev mode) bound.
        this.reaper = new Thread(() -> stopProcess(process), "envoy-" + name + "-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts Envoy on {@code config} and waits until it is ready. On failure the process is stopped and the exception
     * carries the tail of the Envoy log.
     *
     * @param replaceStale stop a still-running Envoy that an earlier, crashed JVM started under the same name
     *                     (found through {@code <name>.pid}) so that its fixed ports are free again (dev mode)
     */
    public static EnvoyProcess start(String name, String config, boolean replaceStale) {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("Envoy name must be a plain file name ([A-Za-z0-9._-]+): " + name);
        }
        Path bin = EnvoyBinary.require();
        if (!RUNNING.add(name)) {
            throw new IllegalStateException("an Envoy named '" + name + "' is already running in this JVM");
        }
        EnvoyProcess envoy = null;
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
            envoy = new EnvoyProcess(name, process, configFile, logFile);
            write(pidFile, Long.toString(process.pid()));
            envoy.awaitReady(adminFile, START_TIMEOUT);
            LOG.debugf("Envoy %s started: pid %d, admin %s, log %s", name, process.pid(), envoy.admin.base(), logFile);
            return envoy;
        } catch (IOException e) {
            cleanupFailedStart(envoy, name);
            throw new UncheckedIOException("cannot start Envoy " + name, e);
        } catch (RuntimeException e) {
            cleanupFailedStart(envoy, name);
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

    private static void cleanupFailedStart(EnvoyProcess envoy, String name) {
        if (envoy != null) {
            envoy.close();
        } else {
            RUNNING.remove(name);
        }
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return logFile;
    }

    /** GET on the admin interface; fails on a non-2xx answer. */
    public String admin(String path) {
        if (admin == null) {
            throw new IllegalStateException("Envoy " + name + " has no admin address");
        }
        EnvoyAdmin.Response r;
        try {
            r = admin.get(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Envoy " + name + " admin call failed (alive: " + process.isAlive() + ")", e);
        }
        if (!r.ok()) {
            throw new IllegalStateException("Envoy " + name + " admin GET " + path + " answered " + r.status() + ": " + r.body());
        }
        return r.body();
    }

    /** Where the configuration and the log are, and the log's last lines: for failure messages. */
    public String describe() {
        return "Config: " + configFile + "\nLog: " + logFile + "\n--- last " + LOG_TAIL_LINES + " log lines ---\n"
                + tail(logFile, LOG_TAIL_LINES);
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

    private static String tail(Path file, int lines) {
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

    /** {@code <working dir>/target/envoy}: configurations, logs, admin address and pid files. */
    public static Path workDir() {
        return EnvoyBinary.workingDir().resolve("target").resolve("envoy");
    }

    private static Path write(Path file, String content) throws IOException {
        return Files.writeString(file, content, StandardCharsets.UTF_8);
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
