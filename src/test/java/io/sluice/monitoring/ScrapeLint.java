package io.sluice.monitoring;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code promtool check metrics} on a scrape of {@code /q/metrics}, and what it is allowed to say about meters that are
 * not Sluice's. Asked as Prometheus 2.42 asks, Quarkus answers in the classic text format ({@code text/plain;
 * version=0.0.4}), which is what promtool reads. Asked for anything ({@code *}{@code /*}, as curl or a browser do), it
 * answers OpenMetrics, where Micrometer escapes the quotes in three JVM binders' HELP lines as {@code \"}: OpenMetrics
 * allows that, the classic format does not, and promtool refuses that whole body until exactly those lines are removed.
 */
public final class ScrapeLint {

    /** What Prometheus 2.42 sends when it scrapes. */
    public static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    public static final String ANYTHING = "*/*";

    /** The HELP lines with {@code \"}: Micrometer's ProcessorMetrics ("recent cpu usage") and Quarkus' process CPU time. */
    public static final Set<String> QUOTED_HELP = Set.of("process_cpu_usage", "system_cpu_usage", "process_cpu_time_ns");

    /**
     * The libraries' meters promtool complains about in a scrape of this build after load, by name prefix, and why they
     * are left as they are: none is Sluice's, and renaming or describing them here would change names that the
     * libraries' own dashboards and alerts use.
     */
    public static final Map<String, String> LIBRARY_PREFIXES = Map.of(
            "ft_", "SmallRye Fault Tolerance (the enrichment guard): camelCase names and labels (executionsRunning, "
                    + "method), no HELP text",
            "http_client_requests_seconds", "Quarkus' REST client (the enrichment call): camelCase labels (clientName), "
                    + "no HELP text",
            "http_server_", "Quarkus' Vert.x HTTP server: long task timers without HELP text",
            "netty_", "Micrometer's Netty allocator and event executor binders: no HELP text",
            "process_cpu_time_ns_total", "Quarkus' JVM meter: an abbreviated unit in the name",
            "system_cpu_count", "Micrometer's ProcessorMetrics: a gauge named _count");

    private static final Pattern HELP = Pattern.compile("(?m)^# HELP (\\S+) .*$");

    /** promtool's exit code and the distinct problems it printed, one per line. */
    public record Lint(int exitCode, Set<String> problems, String output) {
    }

    private ScrapeLint() {
    }

    public static Lint check(Path workDir, String body) {
        PrometheusTools.Result result = PrometheusTools.promtool(workDir, body, "check", "metrics");
        Set<String> problems = new TreeSet<>(Arrays.stream(result.output().split("\n")).map(String::strip)
                .filter(l -> !l.isEmpty()).toList());
        return new Lint(result.exitCode(), problems, result.output());
    }

    /** The metric names whose HELP line holds {@code \"}. */
    public static Set<String> quotedHelp(String body) {
        Set<String> names = new TreeSet<>();
        Matcher m = HELP.matcher(body);
        while (m.find()) {
            if (m.group().contains("\\\"")) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** {@code body} without the HELP lines of {@code names}. */
    public static String withoutHelp(String body, Set<String> names) {
        List<String> kept = Arrays.stream(body.split("\n", -1))
                .filter(l -> names.stream().noneMatch(n -> l.startsWith("# HELP " + n + " "))).toList();
        return String.join("\n", kept);
    }
}
