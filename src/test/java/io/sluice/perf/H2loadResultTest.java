package io.sluice.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** h2load's summary as nghttp2 1.52 prints it; the real runs are in {@link PerformanceSuiteIT}. */
class H2loadResultTest {

    static final String OK = """
            Application protocol: h2c
            finished in 2.00s, 25232.00 req/s, 763.90KB/s
            requests: 3 total, 3 started, 3 done, 3 succeeded, 0 failed, 0 errored, 0 timeout
            status codes: 3 2xx, 0 3xx, 0 4xx, 0 5xx
            """;

    @TempDir
    Path dir;

    @Test
    void readsRateCountsAndLatencies() throws Exception {
        Path log = Files.writeString(dir.resolve("ok.log"), "1795454860101032\t200\t227\n1795454860101032\t200\t285\n"
                + "1795454860101033\t204\t9000\n");

        H2loadResult result = H2loadResult.parse("h2load ...", OK, log).requireAllSucceeded("ok", "h2c");

        assertThat(result.requestsPerSecond()).isEqualTo(25232.0);
        assertThat(result.done()).isEqualTo(3);
        assertThat(result.latencyMicros().getTotalCount()).isEqualTo(3);
        assertThat(result.latencyMicros().valuesAreEquivalent(285, result.latencyMicros().getValueAtPercentile(50))).isTrue();
        assertThat(result.latencyMicros().valuesAreEquivalent(9000, result.latencyMicros().getMaxValue())).isTrue();
    }

    @Test
    void aRefusedConnectionIsNotAResult() {
        String refused = """
                finished in 1.20s, 0.00 req/s, 0B/s
                requests: 0 total, 0 started, 0 done, 0 succeeded, 0 failed, 0 errored, 0 timeout
                status codes: 0 2xx, 0 3xx, 0 4xx, 0 5xx
                """;

        H2loadResult result = H2loadResult.parse("h2load ...", refused, dir.resolve("none.log"));

        assertThatThrownBy(() -> result.requireAllSucceeded("refused", "h2c")).hasMessageContaining("done 0");
    }

    @Test
    void errorAnswersFailTheRunEvenWhenH2loadCountsThemAsSucceeded() throws Exception {
        String fiveHundreds = OK.replace("3 2xx, 0 3xx, 0 4xx, 0 5xx", "2 2xx, 0 3xx, 0 4xx, 1 5xx");
        Path log = Files.writeString(dir.resolve("5xx.log"), "1\t200\t227\n1\t200\t285\n1\t500\t300\n");

        H2loadResult result = H2loadResult.parse("h2load ...", fiveHundreds, log);

        assertThatThrownBy(() -> result.requireAllSucceeded("5xx", "h2c")).hasMessageContaining("5xx 1")
                .hasMessageContaining("non-2xx in the log 1");
    }

    @Test
    void aResponseThatStraddlesTheEndOfTheWarmUpIsDoneWithoutAStatus() throws Exception {
        String straddled = OK.replace("3 2xx", "2 2xx");
        Path log = Files.writeString(dir.resolve("straddle.log"), "1\t0\t16491\n1\t200\t285\n1\t200\t300\n");

        H2loadResult result = H2loadResult.parse("h2load ...", straddled, log).requireAllSucceeded("straddle", "h2c");

        assertThat(result.straddling()).isEqualTo(1);
        assertThat(result.latencyMicros().getTotalCount()).isEqualTo(2);
    }

    @Test
    void aResponseCutOffAtTheEndIsA2xxThatIsNotDone() throws Exception {
        String cutOff = OK.replace("3 2xx", "4 2xx");
        Path log = Files.writeString(dir.resolve("cut.log"), "1\t200\t227\n1\t200\t285\n1\t200\t300\n");

        H2loadResult result = H2loadResult.parse("h2load ...", cutOff, log).requireAllSucceeded("cut", "h2c");

        assertThat(result.latencyMicros().getTotalCount()).isEqualTo(3);
    }

    @Test
    void aDoneRequestWithoutAnyStatusFailsTheRun() throws Exception {
        String missing = OK.replace("3 2xx", "2 2xx");
        Path log = Files.writeString(dir.resolve("missing.log"), "1\t200\t227\n1\t200\t285\n1\t200\t300\n");

        H2loadResult result = H2loadResult.parse("h2load ...", missing, log);

        assertThatThrownBy(() -> result.requireAllSucceeded("missing", "h2c")).hasMessageContaining("2xx 2");
    }

    @Test
    void aFailedStreamInTheLogFailsTheRun() throws Exception {
        Path log = Files.writeString(dir.resolve("reset.log"), "1\t200\t227\n1\t200\t285\n1\t-1\t300\n");

        H2loadResult result = H2loadResult.parse("h2load ...", OK, log);

        assertThatThrownBy(() -> result.requireAllSucceeded("reset", "h2c")).hasMessageContaining("non-2xx in the log 1");
    }

    @Test
    void http11InsteadOfH2cFailsTheRun() throws Exception {
        Path log = Files.writeString(dir.resolve("h1.log"), "1\t200\t227\n1\t200\t285\n1\t200\t300\n");

        H2loadResult result = H2loadResult.parse("h2load ...", OK.replace("h2c", "http/1.1"), log);

        assertThatThrownBy(() -> result.requireAllSucceeded("h1", "h2c")).hasMessageContaining("protocol http/1.1");
    }

    @Test
    void anOutputWithoutSummaryIsAnError() {
        assertThatThrownBy(() -> H2loadResult.parse("h2load ...", "-D: value error 0.7\n", dir.resolve("x.log")))
                .hasMessageContaining("value error");
    }
}
