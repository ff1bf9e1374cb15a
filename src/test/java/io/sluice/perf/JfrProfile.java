package io.sluice.perf;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.sluice.testing.ProcessProbe;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a server spends its CPU under a workload: a JDK Flight Recorder recording started and stopped through
 * {@code jcmd} around one extra run (so the measured runs carry no profiler), summed up as the methods most often on
 * CPU (self) and the frames of Sluice's own code most often on the stack (total).
 */
public final class JfrProfile {

    private final ProcessProbe process;
    private final Path file;

    private JfrProfile(ProcessProbe process, Path file) {
        this.process = process;
        this.file = file;
    }

    public static JfrProfile start(ProcessProbe process, Path file) {
        process.jcmd("JFR.start", "name=perf", "settings=profile");
        return new JfrProfile(process, file);
    }

    public Path stop() {
        process.jcmd("JFR.stop", "name=perf", "filename=" + file.toAbsolutePath());
        return file;
    }

    /**
     * Bytes the server allocated per exchange while recording: the growth of every thread's allocation counter
     * ({@code jdk.ThreadAllocationStatistics}, taken at the start and the end of a recording), which is exact where
     * allocation samples are not.
     */
    public static double allocatedBytesPerExchange(Path recording, long exchanges) throws IOException {
        Map<Long, long[]> perThread = new HashMap<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (event.getEventType().getName().equals("jdk.ThreadAllocationStatistics") && event.getThread("thread") != null) {
                long allocated = event.getLong("allocated");
                perThread.merge(event.getThread("thread").getJavaThreadId(), new long[] { allocated, allocated },
                        (a, b) -> new long[] { Math.min(a[0], b[0]), Math.max(a[1], b[1]) });
            }
        }
        long total = perThread.values().stream().mapToLong(v -> v[1] - v[0]).sum();
        return exchanges == 0 ? Double.NaN : (double) total / exchanges;
    }

    /** The top {@code top} methods by self samples and by total samples, as shares of all execution samples. */
    public static PerfTable summarize(Path recording, String title, int top, long exchanges) throws IOException {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        int samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<RecordedFrame> frames = event.getStackTrace().getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            samples++;
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                if (name.startsWith("io.sluice.") && seen.add(name)) {
                    total.merge(name, 1, Integer::sum);
                }
            }
        }
        PerfTable table = new PerfTable("profile", title, "rank", "on CPU (self)", "self %", "Sluice frame on the stack (total)", "total %");
        List<Map.Entry<String, Integer>> bySelf = sorted(self);
        List<Map.Entry<String, Integer>> byTotal = sorted(total);
        for (int i = 0; i < top; i++) {
            table.row(i + 1, i < bySelf.size() ? bySelf.get(i).getKey() : "", i < bySelf.size() ? 100.0 * bySelf.get(i).getValue() / samples : Double.NaN,
                    i < byTotal.size() ? byTotal.get(i).getKey() : "", i < byTotal.size() ? 100.0 * byTotal.get(i).getValue() / samples : Double.NaN);
        }
        table.note(String.format("%,.0f bytes allocated per exchange (jdk.ThreadAllocationStatistics over %d exchanges).",
                allocatedBytesPerExchange(recording, exchanges), exchanges));
        table.note(samples + " execution samples (JFR profile settings, Java threads only: time in the kernel, e.g. "
                + "socket writes, shows as the Java frame that made the call). Recording: `" + recording + "` (open it "
                + "with JDK Mission Control or `jfr print`).");
        return table;
    }

    private static List<Map.Entry<String, Integer>> sorted(Map<String, Integer> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).toList();
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
