package io.sluice.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Readings of another JVM on this Linux machine: CPU time, resident set, and heap through {@code jcmd}. The same
 * readings for Sluice and for the performance suite's baseline, so their figures compare.
 */
public final class ProcessProbe {

    /** {@code GC.heap_info}: " garbage-first heap   total 262144K, used 23456K [0x...". */
    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total (\\d+)K, used (\\d+)K");

    private final long pid;

    public ProcessProbe(long pid) {
        this.pid = pid;
    }

    public long pid() {
        return pid;
    }

    /** User plus system CPU time so far, in nanoseconds. */
    public long cpuNanos() {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException("no CPU time for process " + pid));
    }

    /** Resident set now ({@code VmRSS}). */
    public long rssBytes() {
        return procStatus("VmRSS");
    }

    /** Highest resident set so far ({@code VmHWM}). */
    public long peakRssBytes() {
        return procStatus("VmHWM");
    }

    /** Heap in use now, garbage included. */
    public long heapUsedBytes() {
        return heapUsed(jcmd("GC.heap_info"));
    }

    /** Live heap: a full collection ({@code jcmd GC.run}), then the heap in use. */
    public long liveHeapBytes() {
        jcmd("GC.run");
        return heapUsedBytes();
    }

    private static long heapUsed(String heapInfo) {
        Matcher m = HEAP_USED.matcher(heapInfo);
        if (!m.find()) {
            throw new IllegalStateException("cannot read the heap from jcmd GC.heap_info:\n" + heapInfo);
        }
        return Long.parseLong(m.group(2)) * 1024;
    }

    /** Runs {@code jcmd <pid> <command...>} and returns what it printed; throws if it failed. */
    public String jcmd(String... command) {
        try {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid)));
            cmd.addAll(List.of(command));
            Process jcmd = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes());
            if (jcmd.waitFor() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
    }

    public static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
