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

import io.sluice.testing.ProcessProbe;
import io.sluice.testing.SluiceProcess;

/**
 * The performance suite. In {@code ./mvnw verify} it is a smoke run of seconds that proves every part still works
 * and measures without error; {@code ./mvnw -Pperf verify} runs it in full and its report is the figures. Either
 * way it writes {@code target/perf/report.md} and a CSV per table. Targets are reported, never asserted: a timed
 * assertion on a shared machine would fail on noise.
 */
class PerformanceSuiteIT {

    /** The same JVM options for Sluice and for the baseline, so CPU, heap and RSS compare. */
    static final List<String> JVM = List.of("-Xmx" + MemoryProbe.HEAP);

    @Test
    void suite() throws Exception {
        PerfSettings settings = PerfSettings.current();
        Path dir = Path.of(System.getProperty("sluice.build.dir", "target"), "perf");
        PerfReport report = new PerfReport(dir, settings);

        // Start-up first, while nothing else of the suite runs.
        List<StartupProbe.Start> starts = StartupProbe.run(settings, JVM);
        report.add(StartupProbe.table(starts, JVM));

        ProtocolLevel.Outcome protocol;
        ExtProcLoad.Result profiled;
        List<PerfTable> endToEnd;
        try (SluiceProcess sluice = SluiceProcess.start("perf-sluice", JVM, Map.of());
                BaselineProcess baseline = BaselineProcess.start(JVM)) {
            ProcessProbe probe = new ProcessProbe(sluice.pid());
            protocol = ProtocolLevel.run(new ProtocolLevel.Target("sluice", sluice.grpcPort(), probe),
                    new ProtocolLevel.Target("grpc-java baseline", baseline.port(), baseline.probe()), settings);
            report.addAll(protocol.tables());
            // The profile that explains the headers-only ratio, from one more run: the measured ones carry no profiler.
            Files.createDirectories(dir);
            JfrProfile recording = JfrProfile.start(probe, dir.resolve("sluice-headers-only.jfr"));
            profiled = ExtProcLoad.run("sluice", sluice.grpcPort(), ExtProcWorkload.HEADERS_ONLY,
                    new ExtProcLoad.Closed(settings.concurrency()), Duration.ZERO, settings.measure(), probe::cpuNanos, () -> { });
            Path jfr = recording.stop();
            report.add(JfrProfile.summarize(jfr, "Where Sluice's CPU goes: headers-only, fixed concurrency (JFR, one extra run)",
                    20, profiled.exchanges()));

            // End to end through Envoy, with the same (warm) servers. The bare grpc-java handler behind the same Envoy
            // shows what any ext_proc server can keep of Envoy's throughput on this machine.
            endToEnd = EnvoyEndToEnd.run(sluice.grpcPort(), settings);
            report.addAll(endToEnd);
            report.addAll(EnvoyEndToEnd.run("grpc-java baseline", baseline.port(), settings,
                    E2eWorkload.all().stream().filter(w -> w.name().equals(E2eWorkload.HEADERS_ONLY)).toList()));
        }

        List<MemoryProbe.Reading> memory;
        try (SluiceProcess sluice = SluiceProcess.start("perf-memory", JVM, Map.of())) {
            memory = MemoryProbe.run(new ProcessProbe(sluice.pid()), sluice.grpcPort(), settings, () -> {
                try {
                    return sluice.metric("jvm_buffer_memory_used_bytes{id=\"direct\"}");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            report.add(MemoryProbe.table(memory));
            assertThat(sluice.isAlive()).as("Sluice survived the memory probe").isTrue();
        }

        Path written = report.write();
        System.out.println(Files.readString(written));

        // What the smoke run proves: every part ran, measured something, and saw no error.
        assertThat(starts).allSatisfy(s -> assertThat(s.toFirstReplyMs()).isPositive());
        assertThat(protocol.runs()).hasSize(ExtProcWorkload.all().size() * 2 * 2 * settings.rounds());
        assertThat(protocol.runs()).allSatisfy(r -> {
            assertThat(r.errors()).as(r.target() + " " + r.workload().name() + " " + r.model().describe() + ": " + r.firstError())
                    .isZero();
            assertThat(r.exchanges()).as(r.target() + " " + r.workload().name()).isPositive();
            assertThat(r.messages()).isGreaterThanOrEqualTo(r.exchanges());
        });
        assertThat(profiled.errors()).isZero();
        if (!settings.full()) {
            // The smoke's 100 streams must all succeed; the full run reports failures at 1,000 in its table instead of
            // stopping before the rest of the report is written.
            assertThat(memory).extracting(MemoryProbe.Reading::errors).containsOnly(0L);
        }
        assertThat(memory.get(memory.size() - 1).messages()).as("every active stream moves").isPositive();
        assertThat(memory.get(memory.size() - 1).peakDirectMiB()).as("direct memory was read").isPositive();
        // End to end: every request of every h2load run succeeded (EnvoyEndToEnd throws otherwise); both sides measured.
        List<String> workloads = E2eWorkload.all().stream().map(E2eWorkload::name).toList();
        assertThat(endToEnd.get(0).rows()).extracting(row -> row.get(0)).containsExactlyElementsOf(workloads);
        assertThat(endToEnd.get(0).rows()).allSatisfy(row -> {
            assertThat(Double.parseDouble(row.get(2))).as("req/s without ext_proc, %s", row).isPositive();
            assertThat(Double.parseDouble(row.get(3))).as("req/s with ext_proc, %s", row).isPositive();
        });
        assertThat(endToEnd.get(1).rows()).extracting(row -> row.get(0)).containsExactlyElementsOf(workloads);
        for (PerfTable table : report.tables()) {
            assertThat(dir.resolve(table.slug() + ".csv")).exists();
            assertThat(table.rows()).as(table.slug()).isNotEmpty();
        }
    }
}
