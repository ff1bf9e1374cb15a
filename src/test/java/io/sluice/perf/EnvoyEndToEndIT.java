package io.sluice.perf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.testing.SluiceProcess;

/**
 * The end-to-end part of the performance suite on its own: the packaged Sluice, two Envoys per body mode and h2load.
 * Smoke settings by default (seconds); {@code -Dperf.full=true} for the real figures. Run alone with
 * {@code ./mvnw verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=EnvoyEndToEndIT}.
 */
class EnvoyEndToEndIT {

    @Test
    void everyBodyModeIsMeasuredOnBothSides() {
        List<PerfTable> tables;
        try (SluiceProcess sluice = SluiceProcess.start("perf-e2e", List.of("-Xmx256m"), Map.of())) {
            tables = EnvoyEndToEnd.run(sluice.grpcPort(), PerfSettings.current());
        }
        tables.forEach(table -> System.out.println(table.markdown()));

        List<String> workloads = E2eWorkload.all().stream().map(E2eWorkload::name).toList();
        PerfTable throughput = tables.get(0);
        assertThat(throughput.rows()).extracting(row -> row.get(0)).containsExactlyElementsOf(workloads);
        for (List<String> row : throughput.rows()) {
            assertThat(Double.parseDouble(row.get(2))).as("req/s without ext_proc, %s", row).isPositive();
            assertThat(Double.parseDouble(row.get(3))).as("req/s with ext_proc, %s", row).isPositive();
        }
        PerfTable latency = tables.get(1);
        assertThat(latency.rows()).extracting(row -> row.get(0)).containsExactlyElementsOf(workloads);
        for (List<String> row : latency.rows()) {
            assertThat(Long.parseLong(row.get(2))).as("p50 without ext_proc, %s", row).isPositive();
            assertThat(Long.parseLong(row.get(3))).as("p50 with ext_proc, %s", row).isPositive();
        }
    }
}
