package io.sluice.perf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.sluice.testing.ProcessProbe;
import io.sluice.testing.SluiceProcess;
import one.profiler.AsyncProfilerLoader;

/**
 * Where the exchange core's CPU goes, Sluice against the bare handler, as part {@code core} runs them (each pinned to
 * CPU 0, a closed load from the other CPU): async-profiler's CPU samples (Java, JVM and kernel frames) over measured
 * windows, A-B-B-A after a long warm-up (a cold JIT would otherwise fill the first windows), written as collapsed
 * stacks and flame graphs under {@code target/perf/profile/}, and summed up as CPU time per exchange by the code that
 * burns it: the event loops' samples by the package of their innermost Java frame, JIT and GC threads apart.
 * <p>
 * Outside the test suite, after a build that packaged the jar ({@code ./mvnw verify -DskipTests}):
 * <pre>
 * ./mvnw -q dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) io.sluice.perf.CoreProfile headers-only 256 20 120
 * </pre>
 * (workload {@code headers-only} or {@code four-phases}, streams in flight, seconds per window, seconds of warm-up per
 * side: 120 by default; a fifth argument, exchanges per second, profiles the windows at that fixed arrival rate
 * instead, at most 10,000 outstanding as in part {@code core}).
 */
public final class CoreProfile {

    private static final String[][] PACKAGES = { { "sluice", "io/sluice/" }, { "protobuf", "com/google/protobuf/" },
            { "envoy protos", "io/envoyproxy/" }, { "grpc-java", "io/grpc/" }, { "netty", "io/netty/" },
            { "vert.x", "io/vertx/" }, { "quarkus", "io/quarkus/" }, { "micrometer", "io/micrometer/" },
            { "mutiny", "io/smallrye/mutiny/" }, { "smallrye", "io/smallrye/" }, { "jdk", "java/" }, { "jdk", "jdk/" },
            { "jdk", "sun/" } };

    private CoreProfile() {
    }

    public static void main(String[] args) throws Exception {
        ExtProcWorkload workload = args.length > 0 && args[0].equals("four-phases") ? ExtProcWorkload.FOUR_PHASES
                : ExtProcWorkload.HEADERS_ONLY;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        Duration measure = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 20);
        // At one CPU the JIT compiles on the CPU that serves: Sluice's larger code takes minutes to reach steady state.
        Duration warmup = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 120);
        ExtProcLoad.Model windows = args.length > 4 ? new ExtProcLoad.Open(Double.parseDouble(args[4]), 10_000)
                : new ExtProcLoad.Closed(inFlight);
        Path dir = Files.createDirectories(Path.of("target", "perf", "profile"));
        List<String> jvm = new ArrayList<>(PerformanceSuiteIT.JVM);
        jvm.add("-XX:MaxDirectMemorySize=512m");
        // Inlined frames stay attributed to their own methods.
        jvm.add("-XX:+UnlockDiagnosticVMOptions");
        jvm.add("-XX:+DebugNonSafepoints");
        // -Dprofile.jvm="...": more options for Sluice's and the baseline's JVM (space-separated), for an experiment.
        for (String option : System.getProperty("profile.jvm", "").trim().split("\\s+")) {
            if (!option.isEmpty()) {
                jvm.add(option);
            }
        }
        try (SluiceProcess sluice = SluiceProcess.start("profile-core", jvm,
                Map.of("sluice.overload.max-exchanges", Integer.toString(CoreParity.MANY_IN_FLIGHT + 100)));
                BaselineProcess baseline = BaselineProcess.start(jvm)) {
            OneCpu.pin(sluice.pid());
            OneCpu.pin(baseline.pid());
            Side b = new Side("baseline", baseline.port(), baseline.pid());
            Side s = new Side("sluice", sluice.grpcPort(), sluice.pid());
            for (Side side : List.of(b, s)) {
                ExtProcLoad.run(side.name, side.port, workload, new ExtProcLoad.Closed(inFlight), Duration.ZERO,
                        warmup, new ProcessProbe(side.pid)::cpuNanos, () -> { });
            }
            int round = 0;
            for (Side side : List.of(b, s, s, b)) {
                profile(side, ++round, workload, windows, measure, dir);
            }
        }
    }

    private record Side(String name, int port, long pid) {
    }

    private static void profile(Side side, int round, ExtProcWorkload workload, ExtProcLoad.Model model, Duration measure,
            Path dir) throws Exception {
        ProcessProbe probe = new ProcessProbe(side.pid);
        String slug = side.name + "-" + workload.name() + "-" + (model instanceof ExtProcLoad.Open open
                ? String.format("rate%.0f", open.exchangesPerSecond()) : Integer.toString(((ExtProcLoad.Closed) model).concurrency()))
                + "-round" + round;
        Path collapsed = dir.resolve(slug + ".collapsed").toAbsolutePath();
        asprof("start", "-e", "cpu", "-i", "1ms", Long.toString(side.pid));
        ExtProcLoad.Result result = ExtProcLoad.run(side.name, side.port, workload, model, Duration.ZERO, measure,
                probe::cpuNanos, () -> { });
        asprof("stop", "-o", "collapsed", "-f", collapsed.toString(), Long.toString(side.pid));
        AsyncProfilerLoader.executeConverter(collapsed.toString(), dir.resolve(slug + ".html").toAbsolutePath().toString());
        double cpuMs = result.cpuSecondsPer1000Exchanges();
        System.out.printf("%n== %s: %.0f exchanges/s, p99 %.0f µs, %.4f CPU ms per exchange, %d refused, %.2f CPU s/s (%s)%n",
                slug, result.exchangesPerSecond(), result.messageMicros(99), cpuMs, result.refused(),
                result.serverCpuSeconds() / result.seconds(), collapsed);
        summarize(collapsed, cpuMs);
    }

    private static void asprof(String... args) throws Exception {
        AsyncProfilerLoader.ExecutionResult run = AsyncProfilerLoader.executeProfiler(args);
        if (!run.getStderr().isBlank()) {
            System.err.println(run.getStderr().strip());
        }
    }

    /** CPU ms per exchange: event-loop samples by innermost Java package (JVM or kernel frames below it marked). */
    private static void summarize(Path collapsed, double cpuMsPerExchange) throws Exception {
        Map<String, Long> byCode = new HashMap<>();
        long samples = 0;
        for (String line : Files.readAllLines(collapsed)) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long count = Long.parseLong(line.substring(space + 1));
            String[] frames = line.substring(0, space).split(";");
            samples += count;
            byCode.merge(category(frames), count, Long::sum);
        }
        long all = samples;
        Map<String, Long> sorted = new LinkedHashMap<>();
        byCode.entrySet().stream().sorted(Map.Entry.<String, Long> comparingByValue(Comparator.reverseOrder()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        System.out.printf("%d samples%n", all);
        sorted.forEach((code, count) -> System.out.printf("  %-34s %5.1f%%  %.4f ms%n", code, 100.0 * count / all,
                cpuMsPerExchange * count / all));
    }

    private static String category(String[] frames) {
        boolean eventLoop = false;
        for (String frame : frames) {
            if (frame.contains("EventLoop.run")) {
                eventLoop = true;
                break;
            }
        }
        if (!eventLoop) {
            for (int i = 0; i < Math.min(frames.length, 6); i++) {
                if (frames[i].startsWith("CompileBroker::")) {
                    return "other threads: JIT compiler";
                }
            }
            return "other threads: GC, JVM and the rest";
        }
        boolean below = !frames[frames.length - 1].contains("/");
        for (int i = frames.length - 1; i >= 0; i--) {
            for (String[] p : PACKAGES) {
                if (frames[i].startsWith(p[1])) {
                    return "event loop: " + p[0] + (below ? " (JVM, kernel)" : "");
                }
            }
        }
        return "event loop: other";
    }
}
