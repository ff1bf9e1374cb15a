package io.sluice.perf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

/**
 * What one h2load run reports: its summary counts and rate, and the latency of every request of the measured
 * period (h2load's {@code --log-file} leaves the warm-up out), in microseconds as h2load logs them.
 *
 * <p>A request whose response headers arrive during the warm-up and whose stream closes after it is counted as done
 * by h2load but in no status class, and logged with status 0: h2load records status codes in the measured period
 * only. Those few {@link #straddling()} requests are left out of the latencies; their status is not known here, so
 * callers that must know that every answer was a 2xx also ask the server (Envoy's {@code downstream_rq_<n>xx}). At
 * the other end, a response whose status arrives before the measured period ends but whose stream h2load then cuts
 * off counts as a 2xx without being done, so there can be a few more 2xx than requests done.
 */
public record H2loadResult(String command, String output, String protocol, long total, long started, long done,
        long succeeded, long failed, long errored, long timedOut, long status2xx, long status3xx, long status4xx,
        long status5xx, double requestsPerSecond, Histogram latencyMicros, long straddling, long loggedNon2xx) {

    private static final Pattern FINISHED = Pattern.compile("(?m)^finished in \\S+, ([0-9.]+) req/s");
    private static final Pattern REQUESTS = Pattern.compile("(?m)^requests: (\\d+) total, (\\d+) started, (\\d+) done, "
            + "(\\d+) succeeded, (\\d+) failed, (\\d+) errored, (\\d+) timeout");
    private static final Pattern STATUS = Pattern.compile("(?m)^status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");
    private static final Pattern PROTOCOL = Pattern.compile("(?m)^Application protocol: (\\S+)");

    static H2loadResult parse(String command, String output, Path logFile) {
        Matcher finished = find(FINISHED, output, command);
        Matcher requests = find(REQUESTS, output, command);
        Matcher status = find(STATUS, output, command);
        Matcher protocol = PROTOCOL.matcher(output);
        Histogram latency = new Histogram(3);
        long straddling = 0;
        long non2xx = 0;
        for (String line : lines(logFile)) {
            // start (µs since the epoch) TAB status (-1: the stream failed) TAB µs until the end of the response
            String[] cols = line.split("\t");
            if (cols.length < 3) {
                continue;
            }
            int code = Integer.parseInt(cols[1]);
            if (code == 0) {
                straddling++;
            } else if (code < 200 || code > 299) {
                non2xx++;
            } else {
                latency.recordValue(Long.parseLong(cols[2]));
            }
        }
        return new H2loadResult(command, output, protocol.find() ? protocol.group(1) : "none",
                count(requests, 1), count(requests, 2), count(requests, 3), count(requests, 4), count(requests, 5),
                count(requests, 6), count(requests, 7), count(status, 1), count(status, 2), count(status, 3),
                count(status, 4), Double.parseDouble(finished.group(1)), latency, straddling, non2xx);
    }

    /**
     * Fails, with h2load's whole output, unless requests were done over {@code expectedProtocol} and every one of
     * them got a 2xx (or {@link #straddling() straddled} the end of the warm-up): a benchmark of error answers or of a
     * refused connection must not pass as a result.
     */
    public H2loadResult requireAllSucceeded(String what, String expectedProtocol) {
        boolean ok = done > 0 && failed == 0 && errored == 0 && timedOut == 0 && status2xx + straddling >= done
                && status3xx + status4xx + status5xx == 0 && loggedNon2xx == 0 && latencyMicros.getTotalCount() > 0
                && protocol.equals(expectedProtocol);
        if (!ok) {
            throw new IllegalStateException(what + ": not every request succeeded over " + expectedProtocol + " (done " + done
                    + ", 2xx " + status2xx + ", 3xx " + status3xx + ", 4xx " + status4xx + ", 5xx " + status5xx + ", failed "
                    + failed + ", errored " + errored + ", timeout " + timedOut + ", status seen in the warm-up " + straddling
                    + ", non-2xx in the log " + loggedNon2xx
                    + ", protocol " + protocol + ")\n" + command + "\n" + output);
        }
        return this;
    }

    private static Matcher find(Pattern pattern, String output, String command) {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("h2load printed no line matching /" + pattern + "/: " + command + "\n" + output);
        }
        return m;
    }

    private static long count(Matcher m, int group) {
        return Long.parseLong(m.group(group));
    }

    private static List<String> lines(Path logFile) {
        try {
            return Files.exists(logFile) ? Files.readAllLines(logFile) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
