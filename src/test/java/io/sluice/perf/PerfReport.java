package io.sluice.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The suite's output: {@code report.md} with every table under a description of the machine and the run, one CSV per
 * table, and the pictures ({@link PerfFigure}) it links, in {@code target/perf/}.
 */
public final class PerfReport {

    private final Path dir;
    private final List<PerfTable> tables = new ArrayList<>();
    private final List<PerfFigure> figures = new ArrayList<>();
    private final PerfTable machine;

    public PerfReport(Path dir, PerfSettings settings) {
        this.dir = dir;
        machine = new PerfTable("machine", "Machine and run", "fact", "value")
                .row("date", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS))
                .row("CPU", cpuModel())
                .row("cores (nproc)", Runtime.getRuntime().availableProcessors())
                .row("memory", memTotal())
                .row("load average at start", loadAverage())
                .row("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
                .row("commit", command("git", "rev-parse", "--short", "HEAD"))
                .row("run", settings.full() ? "full (-Dperf.full=true)" : "smoke (seconds, small counts: not for figures)");
        tables.add(machine);
    }

    public void add(PerfTable table) {
        tables.add(table);
    }

    public void addAll(List<PerfTable> more) {
        tables.addAll(more);
    }

    public List<PerfTable> tables() {
        return tables;
    }

    public void addFigures(List<PerfFigure> more) {
        figures.addAll(more);
    }

    public List<PerfFigure> figures() {
        return figures;
    }

    public Path write() throws IOException {
        Files.createDirectories(dir);
        StringBuilder md = new StringBuilder("# Sluice performance report\n\n")
                .append("Produced by `./mvnw -Pperf verify` (the smoke run by `./mvnw verify`); every ratio compares "
                        + "two measurements taken in this run on this machine.\n\n");
        for (PerfTable table : tables) {
            md.append(table.markdown());
            Files.writeString(dir.resolve(table.slug() + ".csv"), table.csv());
        }
        if (!figures.isEmpty()) {
            md.append("## Charts\n\n");
        }
        for (PerfFigure figure : figures) {
            figure.write(dir);
            md.append("![").append(figure.title()).append("](").append(figure.fileName()).append(")\n\n");
        }
        Path report = dir.resolve("report.md");
        Files.writeString(report, md.toString());
        return report;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> String.format("%.1f GiB", Long.parseLong(l.replaceAll("\\D+", "")) / 1024.0 / 1024.0))
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
