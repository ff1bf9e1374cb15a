package io.sluice.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.sluice.perf.H2load;
import io.sluice.perf.H2loadResult;
import io.sluice.testing.EchoText;
import io.sluice.testing.EchoUpstream;
import io.sluice.testing.EnrichmentServer;
import io.sluice.testing.EnvoyLauncher;
import io.sluice.testing.Packaged;
import io.sluice.testing.SluiceProcess;

/**
 * The monitoring kit against a real Prometheus: the packaged Sluice behind a real Envoy (headers and STREAMED bodies
 * both ways, the 200 ms message timer) under 14 s of h2load, with enrichment calls that succeed, hit the cache, fail,
 * time out and meet the open breaker, denied requests, and a burst beyond the exchange limit; Prometheus scrapes it every
 * second and loads the alert rules. Then every alert expression and every dashboard query goes through Prometheus' query
 * API, the dashboard's panels are drawn from its range API into {@code target/monitoring/dashboard.png}, and a scrape
 * is linted with {@code promtool check metrics}.
 */
@Packaged
class MonitoringIT {

    static final Path DIR = Path.of("target", "monitoring").toAbsolutePath();
    static final String NAMESPACE = "default";
    static final String POD = "sluice-it";
    /** Grafana's $__rate_interval for a 1 s scrape interval: four scrape intervals, its floor. */
    static final String RATE_INTERVAL = 4 * PrometheusServer.SCRAPE_INTERVAL.toSeconds() + "s";
    static final int EXCHANGE_LIMIT = 48;
    /** Series from kube-state-metrics and the kubelet's cAdvisor, which a cluster has and this run does not. */
    static final List<String> CLUSTER_METRIC_PREFIXES = List.of("kube_", "container_");
    /**
     * Registered on a stage's first failure, and no built-in stage fails on its own: the queries on it are checked
     * against failing test stages by StageFailureQueriesTest instead.
     */
    static final Set<String> ON_FAILURE_ONLY = Set.of("sluice_stage_failures_total");
    /** What the run provokes, so their expressions must return a series at its end (their `for` keeps them pending). */
    static final List<String> PROVOKED = List.of("SluiceStreamsRefused", "SluiceEnrichmentBreakerOpen",
            "SluiceEnrichmentFailing");
    /** What a healthy pod under this load must not show. */
    static final List<String> HEALTHY = List.of("SluiceDown", "SluiceAbsent", "SluiceHeapNearLimit",
            "SluiceDirectMemoryNearLimit");

    static EnrichmentServer enrichment;
    static SluiceProcess sluice;
    static EchoUpstream upstream;
    static EnvoyLauncher envoy;
    static PrometheusServer prometheus;
    static double start;
    static double endOfMix;
    static double end;
    static H2loadResult mix;
    static H2loadResult burst;

    @BeforeAll
    static void runLoad() throws Exception {
        Files.createDirectories(DIR);
        enrichment = EnrichmentServer.start();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("sluice.pipelines.default.stages", "eg-demo,enrichment,text-replace,body-audit");
        config.put("sluice.pipelines.denied.stages", "deny");
        config.put("sluice.routing.path-prefix.\"/denied\"", "denied");
        config.put("sluice.stage.enrichment.url", enrichment.url());
        config.put("sluice.stage.text-replace.directions", "request,response");
        config.put("sluice.stage.text-replace.rules[0].literal", EchoText.SECRET);
        config.put("sluice.stage.text-replace.rules[0].replacement", "[redacted]");
        config.put("sluice.overload.max-exchanges", Integer.toString(EXCHANGE_LIMIT));
        // The manifests' JVM: 30% of a 512 MiB pod as heap, 144 MiB of direct memory.
        sluice = SluiceProcess.start("monitoring", List.of("-Xmx154m", "-XX:MaxDirectMemorySize=144m"), config);
        upstream = EchoUpstream.standalone();
        envoy = EnvoyLauncher.start("monitoring", "envoy/monitoring.yaml", Map.of(
                "SLUICE_GRPC_PORT", Integer.toString(sluice.grpcPort()),
                "UPSTREAM_PORT", Integer.toString(upstream.startAndAwait("127.0.0.1", 0)),
                "LISTEN_PORT", "0", "ADMIN_PORT", "0"));
        Path rules = MonitoringKit.writeRulesFile(DIR.resolve("rules"));
        // A fresh TSDB: series of an earlier run would add up with this one's.
        Path data = DIR.resolve("prometheus");
        if (Files.exists(data)) {
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        prometheus = PrometheusServer.start(data, "127.0.0.1:" + sluice.httpPort(), Map.of(
                "namespace", NAMESPACE, "pod", POD, "service", "sluice", "container", "sluice", "endpoint", "http"), rules);

        Path body = DIR.resolve("body.txt");
        Files.write(body, EchoText.bytes(0, 4 * 1024));
        String base = "http://127.0.0.1:" + envoy.listenerPort("main");
        start = now();
        // Text both ways, so that text-replace rewrites bodies in both directions; three paths answered and then
        // cached, one failing, one slower than the call's 150 ms timeout, one denied.
        List<String> options = new ArrayList<>(List.of("-c", "2", "-m", "4", "-D", "10", "-H", "content-type: text/plain",
                "-d", body.toString()));
        for (String path : List.of("/enrich-ok/a?bytes=4096&text=1", "/enrich-ok/b?bytes=16384&text=1",
                "/enrich-ok/c?bytes=1024&text=1", "/enrich-error/d?bytes=4096&text=1", "/enrich-slow/e?bytes=1024&text=1",
                "/denied/f")) {
            options.add(base + path);
        }
        String last = options.remove(options.size() - 1);
        mix = H2load.run("monitoring-mix", DIR, options, URI.create(last), Duration.ofSeconds(60));
        endOfMix = now();
        // More streams at once than the exchange limit: refusals.
        burst = H2load.run("monitoring-burst", DIR, List.of("-c", "4", "-m", "32", "-D", "4"),
                URI.create(base + "/enrich-ok/a?bytes=1024"), Duration.ofSeconds(60));
        Thread.sleep(3 * PrometheusServer.SCRAPE_INTERVAL.toMillis());
        end = now();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] { prometheus, envoy, upstream, sluice, enrichment }) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void theLoadReachedSluiceAndOverloadedIt() throws Exception {
        assertThat(mix.status2xx()).as(mix.output()).isGreaterThan(200);
        assertThat(mix.status4xx()).as("the denied path: " + mix.output()).isPositive();
        assertThat(sluice.metric("sluice_streams_refused_total")).as(burst.output()).isPositive();
    }

    @Test
    void prometheusLoadedEveryRuleAndEvaluatesItWithoutError() {
        List<String> rules = new ArrayList<>();
        for (JsonNode group : prometheus.rules()) {
            for (JsonNode rule : group.path("rules")) {
                rules.add(rule.path("name").asText());
                assertThat(rule.path("health").asText()).as(rule.path("name") + ": " + rule.path("lastError"))
                        .isEqualTo("ok");
            }
        }
        assertThat(rules).containsExactlyInAnyOrderElementsOf(MonitoringKit.alerts().stream().map(AlertRule::alert).toList());
    }

    /** Each expression parses, and every series it reads exists: the names and labels of the real meters. */
    @Test
    void everyAlertExpressionReadsRealSeries() {
        int checked = 0;
        for (AlertRule rule : MonitoringKit.alerts()) {
            PrometheusServer.Answer whole = prometheus.query(rule.expr(), end);
            assertThat(whole.ok()).as(rule + ": " + whole.error()).isTrue();
            for (String selector : PromQlSelectors.of(rule.expr())) {
                if (fromTheCluster(selector) || ON_FAILURE_ONLY.contains(PromQlSelectors.metricName(selector))) {
                    continue;
                }
                PrometheusServer.Answer series = prometheus.query(selector, end);
                assertThat(series.ok()).as(rule + " " + selector + ": " + series.error()).isTrue();
                assertThat(series.series()).as(rule + " reads " + selector).isNotEmpty();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(15);
    }

    @Test
    void whatTheRunProvokedFiresAndWhatIsHealthyDoesNot() {
        for (AlertRule rule : MonitoringKit.alerts()) {
            PrometheusServer.Answer answer = prometheus.query(rule.expr(), end);
            if (PROVOKED.contains(rule.alert())) {
                assertThat(answer.series()).as(rule + " after the run").isNotEmpty();
                // Prometheus' own evaluation agrees: the alert is pending (its `for` has not passed yet) or firing.
                assertThat(prometheus.query("ALERTS{alertname=\"" + rule.alert() + "\"}", end).series())
                        .as("ALERTS of " + rule).isNotEmpty();
            } else if (HEALTHY.contains(rule.alert())) {
                assertThat(answer.series()).as(rule + " after the run").isEmpty();
            }
        }
    }

    /**
     * Every panel's queries, with the dashboard's variables as Grafana fills them, return series at the end of the mixed
     * load, each carrying the labels its legend shows; percentiles are numbers, not NaN.
     */
    @Test
    void everyDashboardQueryReturnsSeries() {
        int checked = 0;
        for (DashboardPanels.Panel panel : DashboardPanels.of(MonitoringKit.dashboard())) {
            for (DashboardPanels.Target target : panel.targets()) {
                String expr = DashboardPanels.substitute(target.expr(), variables());
                PrometheusServer.Answer answer = prometheus.query(expr, endOfMix);
                String what = panel.title() + " " + target.refId() + ": " + expr;
                assertThat(answer.ok()).as(what + " " + answer.error()).isTrue();
                List<String> selectors = PromQlSelectors.of(expr);
                if (selectors.stream().anyMatch(MonitoringIT::fromTheCluster)
                        || selectors.stream().anyMatch(s -> ON_FAILURE_ONLY.contains(PromQlSelectors.metricName(s)))) {
                    continue;
                }
                assertThat(answer.series()).as(what).isNotEmpty();
                for (JsonNode series : answer.series()) {
                    for (String label : target.legendLabels()) {
                        assertThat(series.path("metric").path(label).asText()).as(what + " label " + label).isNotEmpty();
                    }
                }
                if (expr.contains("histogram_quantile")) {
                    assertThat(answer.series()).as(what + " has a number").anyMatch(s -> !s.path("value").get(1).asText()
                            .equals("NaN"));
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(20);
    }

    @Test
    void dashboardVariablesFindThisPod() {
        JsonNode variables = MonitoringKit.dashboard().path("templating").path("list");
        Map<String, String> queries = new HashMap<>();
        variables.forEach(v -> queries.put(v.path("name").asText(), v.path("query").path("query").asText()));
        assertThat(labelValues(queries.get("namespace"))).contains(NAMESPACE);
        assertThat(labelValues(queries.get("pod").replace("$namespace", NAMESPACE))).containsExactly(POD);
    }

    /**
     * What Prometheus scrapes, in the classic text format: Sluice's own meters pass promtool's linter, and the problems
     * left are all in the libraries' meters listed in ScrapeLint, each of which still has one (so the list stays true).
     */
    @Test
    void sluiceMetersPassPromtoolCheckMetrics() throws Exception {
        HttpResponse<String> scraped = scrape(ScrapeLint.PROMETHEUS_ACCEPT);
        assertThat(scraped.headers().firstValue("content-type").orElse("")).startsWith("text/plain; version=0.0.4");
        Files.writeString(DIR.resolve("scrape.txt"), scraped.body());
        assertThat(scraped.body()).contains("sluice_stream_held_messages", "sluice_enrichment_calls_total",
                "sluice_immediate_responses_total", "sluice_body_audit_bytes");
        ScrapeLint.Lint lint = ScrapeLint.check(DIR, scraped.body());
        assertThat(lint.output()).doesNotContain("error while linting");
        assertThat(lint.exitCode()).as(lint.output()).isIn(0, 3);
        assertThat(lint.problems()).as("problems with Sluice's meters").noneMatch(p -> p.startsWith("sluice_"));
        assertThat(lint.problems()).as("problems outside the known library meters").allMatch(p -> ScrapeLint
                .LIBRARY_PREFIXES.keySet().stream().anyMatch(p::startsWith));
        for (String prefix : ScrapeLint.LIBRARY_PREFIXES.keySet()) {
            assertThat(lint.problems()).as("still a problem: " + prefix).anyMatch(p -> p.startsWith(prefix));
        }
    }

    /** Asked for anything, Quarkus answers OpenMetrics: promtool cannot read it for the three JVM HELP lines with \". */
    @Test
    void theOpenMetricsScrapeTripsPromtoolOnlyOnTheQuotedJvmHelpLines() throws Exception {
        HttpResponse<String> scraped = scrape(ScrapeLint.ANYTHING);
        assertThat(scraped.headers().firstValue("content-type").orElse("")).startsWith("application/openmetrics-text");
        String body = scraped.body();
        assertThat(ScrapeLint.quotedHelp(body)).containsExactlyInAnyOrderElementsOf(ScrapeLint.QUOTED_HELP);
        assertThat(ScrapeLint.check(DIR, body).output()).contains("invalid escape sequence");
        ScrapeLint.Lint rest = ScrapeLint.check(DIR, ScrapeLint.withoutHelp(body, ScrapeLint.QUOTED_HELP));
        assertThat(rest.output()).doesNotContain("error while linting");
    }

    @Test
    void dashboardPanelsAreDrawnFromTheRun() throws IOException {
        List<DashboardPicture.Chart> charts = new ArrayList<>();
        double step = PrometheusServer.SCRAPE_INTERVAL.toSeconds();
        for (DashboardPanels.Panel panel : DashboardPanels.of(MonitoringKit.dashboard())) {
            List<DashboardPicture.Line> lines = new ArrayList<>();
            for (DashboardPanels.Target target : panel.targets()) {
                String expr = DashboardPanels.substitute(target.expr(), variables());
                PrometheusServer.Answer answer = prometheus.queryRange(expr, start, end, step);
                assertThat(answer.ok()).as(expr + " " + answer.error()).isTrue();
                for (JsonNode series : answer.series()) {
                    lines.add(line(target, series));
                }
            }
            if (!lines.isEmpty()) {
                charts.add(new DashboardPicture.Chart(panel.title(), panel.unit(), panel.thresholds(), lines));
            }
        }
        Path png = DIR.resolve("dashboard.png");
        DashboardPicture.write(png, "Sluice dashboard, drawn from Prometheus after MonitoringIT's load (" + (int) (end - start)
                + " s: mixed load, then a burst beyond " + EXCHANGE_LIMIT + " exchanges)", charts);
        assertThat(charts).hasSizeGreaterThan(12);
        assertThat(Files.size(png)).isGreaterThan(50_000);
    }

    static DashboardPicture.Line line(DashboardPanels.Target target, JsonNode series) {
        String legend = target.legend();
        for (String label : target.legendLabels()) {
            legend = legend.replaceAll("\\{\\{\\s*" + label + "\\s*}}", series.path("metric").path(label).asText());
        }
        JsonNode values = series.path("values");
        List<double[]> points = new ArrayList<>();
        for (JsonNode v : values) {
            double value = Double.parseDouble(v.get(1).asText());
            if (!Double.isNaN(value) && !Double.isInfinite(value)) {
                points.add(new double[] { v.get(0).asDouble() - start, value });
            }
        }
        double[] xs = points.stream().mapToDouble(p -> p[0]).toArray();
        double[] ys = points.stream().mapToDouble(p -> p[1]).toArray();
        return new DashboardPicture.Line(legend, xs, ys);
    }

    static Map<String, String> variables() {
        return Map.of("namespace", NAMESPACE, "pod", ".*", "__rate_interval", RATE_INTERVAL);
    }

    static Set<String> labelValues(String labelValuesQuery) {
        // label_values(<selector>, <label>)
        String inner = labelValuesQuery.substring("label_values(".length(), labelValuesQuery.length() - 1);
        int comma = inner.lastIndexOf(',');
        return new TreeSet<>(prometheus.labelValues(inner.substring(comma + 1).strip(), inner.substring(0, comma).strip()));
    }

    static boolean fromTheCluster(String selector) {
        return CLUSTER_METRIC_PREFIXES.stream().anyMatch(PromQlSelectors.metricName(selector)::startsWith);
    }

    static HttpResponse<String> scrape(String accept) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + sluice.httpPort() + "/q/metrics")).header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    static double now() {
        return System.currentTimeMillis() / 1000.0;
    }
}
