package io.sluice.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.sluice.devmode.EnvoyProcess;
import io.sluice.devmode.EnvoyTemplates;

/**
 * A real Envoy for a test, on a bootstrap template from the test classpath or on a bootstrap built at run time, with
 * blocking helpers over its admin interface: bound ports, stats, cluster health.
 *
 * <p>The process itself is dev mode's {@link EnvoyProcess} (files in {@code target/envoy/}); templates put the admin
 * interface and listeners on port 0, and {@link #listenerPort(String)} reads the bound ports back.
 */
public final class EnvoyLauncher implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(50);

    private final EnvoyProcess process;

    private EnvoyLauncher(EnvoyProcess process) {
        this.process = process;
    }

    /** Renders {@code templateResource} with {@code vars} and starts Envoy on it, ready when this returns. */
    public static EnvoyLauncher start(String name, String templateResource, Map<String, String> vars) {
        return new EnvoyLauncher(EnvoyProcess.start(name, EnvoyTemplates.render(templateResource, vars), false));
    }

    /** As {@link #start} on a bootstrap built at run time rather than a classpath template. */
    public static EnvoyLauncher startBootstrap(String name, String config) {
        return new EnvoyLauncher(EnvoyProcess.start(name, config, false));
    }

    public Path logFile() {
        return process.logFile();
    }

    /** GET on the admin interface; fails on a non-2xx answer. */
    public String admin(String path) {
        return process.admin(path);
    }

    /** The port listener {@code listenerName} is bound to (from {@code /listeners?format=json}). */
    public int listenerPort(String listenerName) {
        int port = EnvoyAdminPages.listenerPort(admin("/listeners?format=json"), listenerName);
        if (port <= 0) {
            throw new IllegalStateException("Envoy " + process.name() + " has no bound listener named '" + listenerName
                    + "': " + admin("/listeners"));
        }
        return port;
    }

    /** Counters and gauges whose name starts with {@code prefixFilter} ("" for all). */
    public Map<String, Long> stats(String prefixFilter) {
        return EnvoyAdminPages.stats(admin("/stats"), prefixFilter);
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
            throw new IllegalArgumentException("Envoy " + process.name() + " has no stat '" + name + "'. Closest: "
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
        return EnvoyAdminPages.healthFlags(admin("/clusters"), cluster);
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
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for cluster " + cluster, e);
            }
        }
        throw new IllegalStateException("cluster " + cluster + " of Envoy " + process.name() + " not healthy within "
                + timeout.toMillis() + " ms; host health flags: " + flags + "\n" + process.describe());
    }

    /** SIGTERM, then SIGKILL if Envoy has not exited after a few seconds. Idempotent. */
    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
