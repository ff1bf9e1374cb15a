package io.sluice.perf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.e2e.ExtProcClusterSettings;
import io.sluice.testing.Packaged;
import io.sluice.testing.ProcessProbe;
import io.sluice.testing.SluiceProcess;

/**
 * The performance suite. In {@code ./mvnw verify} it is a smoke run of seconds that proves every part still works
 * and measures without error; {@code ./mvnw -Pperf verify} runs it in full and its report is the figures. Either
 * way it writes {@code target/perf/report.md} and a CSV per table. Targets are reported, never asserted: a timed
 * assertion on a shared machine would fail on noise.
 */
@Packaged
class PerformanceSuiteIT {

    /** The same JVM options for Sluice and for the baseline, so CPU, heap and RSS compare. */
    static final List<String> JVM = List.of("-Xmx" + MemoryProbe.HEAP);

    /**
     * What the generated manifests give the JVM in a 512 MiB, one-CPU pod ({@code JAVA_MAX_MEM_RATIO=30} of 512 MiB,
     * and the direct-memory cap), for the parts that must hold under production conditions.
     */
    static final List<String> MANIFEST_JVM = List.of("-Xmx154m", "-XX:MaxDirectMemorySize=144m", "-XX:+ExitOnOutOfMemoryError");

    @Test
    void suite() throws Exception {
        PerfSettings settings = PerfSettings.current();
        Path dir = Path.of(System.getProperty("sluice.build.dir", "target"), "perf");
        PerfReport report = new PerfReport(dir, settings);
        try {
            parts(settings, dir, report);
        } catch (Throwable failure) {
            // What the parts measured before one of them failed is still written and drawn: it is what explains the failure.
            try {
                report.write();
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
            throw failure;
        }

        Path written = report.write();
        String markdown = Files.readString(written);
        System.out.println(markdown);
        for (PerfTable table : report.tables()) {
            assertThat(dir.resolve(table.slug() + ".csv")).exists();
            assertThat(table.rows()).as(table.slug()).isNotEmpty();
        }
        for (PerfFigure figure : report.figures()) {
            assertThat(dir.resolve(figure.fileName())).isNotEmptyFile();
            assertThat(markdown).contains("](" + figure.fileName() + ")");
        }
    }

    private static void parts(PerfSettings settings, Path dir, PerfReport report) throws Exception {
        // Start-up first, while nothing else of the suite runs.
        if (settings.runs("startup")) {
            List<StartupProbe.Start> starts = StartupProbe.run(settings, JVM);
            report.add(StartupProbe.table(starts, JVM));
            assertThat(starts).allSatisfy(s -> assertThat(s.toFirstReplyMs()).isPositive());
        }

        if (settings.runs("protocol") || settings.runs("e2e")) {
            try (SluiceProcess sluice = SluiceProcess.start("perf-sluice", JVM, Map.of());
                    BaselineProcess baseline = BaselineProcess.start(JVM)) {
                if (settings.runs("protocol")) {
                    protocol(settings, dir, report, sluice, baseline);
                }
                if (settings.runs("e2e")) {
                    if (!settings.runs("protocol")) {
                        // Sluice warms itself up before it is ready, the bare handler does not: without the protocol
                        // part before, its cold first exchanges exceed Envoy's message timeout and h2load gets 504s.
                        ExtProcLoad.run("baseline warm-up", baseline.port(), ExtProcWorkload.HEADERS_ONLY,
                                new ExtProcLoad.Closed(settings.concurrency()), Duration.ZERO, Duration.ofSeconds(3),
                                () -> 0L, () -> { });
                    }
                    endToEnd(settings, report, sluice, baseline);
                }
            }
        }

        if (settings.runs("core")) {
            core(settings, report);
        }

        if (settings.runs("limits")) {
            limits(settings, report);
        }

        if (settings.runs("isolation")) {
            isolation(settings, report);
        }

        if (settings.runs("overload")) {
            overload(settings, report);
        }

        if (settings.runs("memory")) {
            memory(settings, report);
        }

        if (settings.runs("abuse")) {
            // The manifests' limits, one CPU: the attack and the canary share what a pod has.
            try (SluiceProcess sluice = SluiceProcess.start("perf-abuse", sluiceJvm(), Map.of())) {
                OneCpu.pin(sluice.pid());
                // -Dperf.abuse.jfr=true: where Sluice's CPU goes during the attacks (a profiled run: its figures are not
                // the ones to quote).
                JfrProfile recording = Boolean.getBoolean("perf.abuse.jfr")
                        ? JfrProfile.start(new ProcessProbe(sluice.pid()), Files.createDirectories(dir).resolve("sluice-rapid-reset.jfr"))
                        : null;
                RapidReset.Run run = RapidReset.run(sluice.grpcPort(), settings, metric(sluice, "sluice_streams_started_total"));
                report.add(RapidReset.table(run));
                if (recording != null) {
                    report.add(JfrProfile.summarize(recording.stop(), "Where Sluice's CPU goes during the rapid reset "
                            + "(JFR, a profiled run)", 25, run.canaryDuring()));
                }
                assertThat(run.canaryDuring()).as("the canary ran during the attack").isPositive();
                assertThat(sluice.isAlive()).as("Sluice survived the rapid reset:\n%s", sluice.logTail()).isTrue();
            }
        }
    }

    private static void protocol(PerfSettings settings, Path dir, PerfReport report, SluiceProcess sluice,
            BaselineProcess baseline) throws Exception {
        ProcessProbe probe = new ProcessProbe(sluice.pid());
        ProtocolLevel.Outcome protocol = ProtocolLevel.run(new ProtocolLevel.Target("sluice", sluice.grpcPort(), probe),
                new ProtocolLevel.Target("grpc-java baseline", baseline.port(), baseline.probe()), settings);
        report.addAll(protocol.tables());
        report.addFigures(protocol.figures());
        // The profile that explains the headers-only ratio, from one more run: the measured ones carry no profiler.
        Files.createDirectories(dir);
        JfrProfile recording = JfrProfile.start(probe, dir.resolve("sluice-headers-only.jfr"));
        ExtProcLoad.Result profiled = ExtProcLoad.run("sluice", sluice.grpcPort(), ExtProcWorkload.HEADERS_ONLY,
                new ExtProcLoad.Closed(settings.concurrency()), Duration.ZERO, settings.measure(), probe::cpuNanos, () -> { });
        Path jfr = recording.stop();
        report.add(JfrProfile.summarize(jfr, "Where Sluice's CPU goes: headers-only, fixed concurrency (JFR, one extra run)",
                20, profiled.exchanges()));

        // What the smoke run proves: every part ran, measured something, and saw no error.
        assertThat(protocol.runs()).hasSize(ExtProcWorkload.all().size() * 2 * 2 * settings.rounds());
        assertThat(protocol.runs()).allSatisfy(r -> {
            assertThat(r.errors()).as(r.target() + " " + r.workload().name() + " " + r.model().describe() + ": " + r.firstError())
                    .isZero();
            assertThat(r.exchanges()).as(r.target() + " " + r.workload().name()).isPositive();
            assertThat(r.messages()).isGreaterThanOrEqualTo(r.exchanges());
        });
        assertThat(profiled.errors()).isZero();
    }

    /**
     * The exchange core against the bare handler, both on one CPU. Sluice admits 2,000 exchanges here (with the direct
     * memory the start-up check asks for), so that CPU per exchange can be read from 256 to 2,000 streams in flight.
     */
    private static void core(PerfSettings settings, PerfReport report) throws Exception {
        List<String> jvm = new java.util.ArrayList<>(JVM);
        jvm.add("-XX:MaxDirectMemorySize=512m");
        try (SluiceProcess sluice = SluiceProcess.start("perf-core", jvm,
                Map.of("sluice.overload.max-exchanges", Integer.toString(CoreParity.MANY_IN_FLIGHT + 100)));
                BaselineProcess baseline = BaselineProcess.start(JVM)) {
            OneCpu.pin(sluice.pid());
            OneCpu.pin(baseline.pid());
            CoreParity.Outcome core = CoreParity.run(new ProtocolLevel.Target("sluice", sluice.grpcPort(),
                    new ProcessProbe(sluice.pid())), new ProtocolLevel.Target("grpc-java baseline", baseline.port(),
                            baseline.probe()), settings);
            report.addAll(core.tables());
            report.addFigures(core.figures());
            assertThat(core.runs()).allSatisfy(r -> {
                assertThat(r.errors()).as(r.target() + " " + r.workload().name() + " " + r.model().describe() + ": "
                        + r.firstError()).isZero();
                assertThat(r.exchanges()).as(r.target() + " " + r.workload().name()).isPositive();
            });
        }
    }

    /**
     * End to end through Envoy, with the same (warm) servers. The bare grpc-java handler behind the same Envoy shows
     * what any ext_proc server can keep of Envoy's throughput on this machine.
     */
    private static void endToEnd(PerfSettings settings, PerfReport report, SluiceProcess sluice, BaselineProcess baseline) {
        List<ExtProcClusterSettings> clusters = settings.clusters().stream().map(ExtProcClusterSettings::named).toList();
        List<String> workloads = E2eWorkload.all().stream().map(E2eWorkload::name).toList();
        EnvoyEndToEnd.Outcome drawn = null;
        for (ExtProcClusterSettings cluster : clusters) {
            EnvoyEndToEnd.Outcome outcome = EnvoyEndToEnd.run("Sluice", sluice.grpcPort(), settings, E2eWorkload.all(), cluster);
            List<PerfTable> endToEnd = outcome.tables();
            report.addAll(endToEnd);
            drawn = drawn == null ? outcome : drawn;
            // Every request of every h2load run succeeded (EnvoyEndToEnd throws otherwise); both sides measured.
            assertThat(endToEnd.get(0).rows()).extracting(row -> row.get(0)).containsExactlyElementsOf(workloads);
            assertThat(endToEnd.get(0).rows()).allSatisfy(row -> {
                assertThat(Double.parseDouble(row.get(2))).as("req/s without ext_proc, %s", row).isPositive();
                assertThat(Double.parseDouble(row.get(3))).as("req/s with ext_proc, %s", row).isPositive();
            });
            assertThat(endToEnd.get(1).rows()).extracting(row -> row.get(0)).containsExactlyElementsOf(workloads);
        }
        // Headers-only, under the first cluster only: it carries no body for the windows to act on. The pictures are of
        // that cluster too (one set: the file names are the workloads').
        EnvoyEndToEnd.Outcome withBaseline = EnvoyEndToEnd.run("grpc-java baseline", baseline.port(), settings,
                E2eWorkload.all().stream().filter(w -> w.name().equals(E2eWorkload.HEADERS_ONLY)).toList(), clusters.get(0));
        report.addAll(withBaseline.tables());
        report.addFigures(EndToEndCharts.figures(drawn, List.of(withBaseline)));
    }

    /** The transport limits' cost: two Sluices in one run, the defaults against every limit relaxed ({@link LimitsCost}). */
    private static void limits(PerfSettings settings, PerfReport report) throws Exception {
        try (SluiceProcess on = SluiceProcess.start("perf-limits-on", JVM, Map.of());
                SluiceProcess off = SluiceProcess.start("perf-limits-off", JVM, LimitsCost.RELAXED)) {
            LimitsCost.Outcome outcome = LimitsCost.run(LimitsCost.target("limits on", on.grpcPort(), on.pid()),
                    LimitsCost.target("limits off", off.grpcPort(), off.pid()), settings);
            report.add(outcome.table());
            assertThat(outcome.runs()).allSatisfy(r -> {
                assertThat(r.errors()).as(r.target() + ": " + r.firstError()).isZero();
                assertThat(r.exchanges()).as(r.target()).isPositive();
            });
        }
    }

    /**
     * Uploads beside headers-only probes, through Envoy with each of {@link PerfSettings#clusters()}: Sluice and the bare
     * handler, each with the manifests' JVM limits and pinned to one CPU as the manifests' {@code limits.cpu=1}.
     */
    private static void isolation(PerfSettings settings, PerfReport report) throws Exception {
        List<UploadIsolation.Run> runs = new java.util.ArrayList<>();
        List<ExtProcClusterSettings> clusters = settings.clusters().stream().map(ExtProcClusterSettings::named).toList();
        onePinnedPair("perf-isolation", (server, port) -> {
            for (ExtProcClusterSettings cluster : clusters) {
                runs.addAll(UploadIsolation.run(server, port, settings, cluster));
            }
        });
        report.add(UploadIsolation.table(runs));
        // Both servers measured; failures are figures (timers on a shared machine), reported in the table, not asserted.
        assertThat(runs).allSatisfy(r -> assertThat(r.probes()).as("probes answered, %s", r).isPositive());
    }

    /** The rate Envoy offers does not slow down with the server: past the maximum, and back. Both servers on one CPU. */
    private static void overload(PerfSettings settings, PerfReport report) throws Exception {
        List<OverloadRecovery.Run> runs = new java.util.ArrayList<>();
        ExtProcClusterSettings envoyGateway = ExtProcClusterSettings.envoyGateway();
        onePinnedPair("perf-overload", (server, port) -> runs.add(OverloadRecovery.run(server, port, settings, envoyGateway)));
        report.add(OverloadRecovery.table(runs));
        assertThat(runs).allSatisfy(r -> assertThat(r.before().requests()).as("%s", r).isPositive());
    }

    /** The manifests' JVM options, plus {@code -Dperf.sluice.jvm=...} (space-separated) for an experiment on Sluice's side. */
    static List<String> sluiceJvm() {
        String extra = System.getProperty("perf.sluice.jvm", "").trim();
        List<String> options = new java.util.ArrayList<>(MANIFEST_JVM);
        if (!extra.isEmpty()) {
            options.addAll(List.of(extra.split("\\s+")));
        }
        return options;
    }

    /** One measurement against a named ext_proc server's port. */
    private interface Measurement {
        void run(String server, int grpcPort) throws Exception;
    }

    /**
     * Runs {@code measurement} against a packaged Sluice, then against the bare handler, both with the manifests' JVM
     * limits and pinned to CPU 0; Sluice must still be alive at the end.
     */
    private static void onePinnedPair(String name, Measurement measurement) throws Exception {
        try (SluiceProcess sluice = SluiceProcess.start(name, sluiceJvm(), Map.of());
                BaselineProcess baseline = BaselineProcess.start(MANIFEST_JVM)) {
            OneCpu.pin(sluice.pid());
            OneCpu.pin(baseline.probe().pid());
            measurement.run("Sluice", sluice.grpcPort());
            if (!"false".equals(System.getProperty("perf.baseline"))) {
                // -Dperf.baseline=false: an experiment on Sluice alone, no ratio.
                measurement.run("grpc-java baseline", baseline.port());
            }
            assertThat(sluice.isAlive()).as("Sluice survived %s:\n%s", name, sluice.logTail()).isTrue();
        }
    }

    /** One sample of Sluice's {@code /q/metrics}, read each time it is asked for. */
    private static java.util.function.DoubleSupplier metric(SluiceProcess sluice, String name) {
        return () -> {
            try {
                return sluice.metric(name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        };
    }

    private static void memory(PerfSettings settings, PerfReport report) throws Exception {
        List<MemoryProbe.Reading> memory;
        // The manifests' JVM limits: what a pod holds is what this part measures.
        try (SluiceProcess sluice = SluiceProcess.start("perf-memory", MANIFEST_JVM, Map.of())) {
            memory = MemoryProbe.run(new ProcessProbe(sluice.pid()), sluice.grpcPort(), settings,
                    metric(sluice, "jvm_buffer_memory_used_bytes{id=\"direct\"}"));
            report.add(MemoryProbe.table(memory));
            assertThat(sluice.isAlive()).as("Sluice survived the memory probe").isTrue();
        }
        if (!settings.full()) {
            // The smoke's 100 streams must all succeed; the full run reports failures at 1,000 in its table instead of
            // stopping before the rest of the report is written.
            assertThat(memory).extracting(MemoryProbe.Reading::errors).containsOnly(0L);
        }
        MemoryProbe.Reading active = memory.get(2);
        MemoryProbe.Reading flood = memory.get(3);
        assertThat(active.messages()).as("every active stream moves").isPositive();
        assertThat(active.peakDirectMiB()).as("direct memory was read").isPositive();
        assertThat(flood.messages()).as("the flooding streams sent chunks").isPositive();
    }
}
