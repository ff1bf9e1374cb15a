package io.sluice.perf;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.sluice.testing.ProcessProbe;
import io.sluice.testing.SluiceProcess;

/**
 * Part (e): how long a fresh Sluice takes from launch to its first successful ext_proc reply, how slow the first
 * exchanges of a cold JVM are (Envoy's message timeout is 200 ms by default), and its idle RSS.
 */
public final class StartupProbe {

    private static final Pattern STARTED_IN = Pattern.compile("started in (\\d+\\.\\d+)s");
    private static final int COLD_EXCHANGES = 100;

    /** What the probe saw, for the table and for a test's checks. */
    public record Start(double toFirstReplyMs, double quarkusStartedS, double firstExchangeMs, double coldP99Ms,
            double coldMaxMs, double idleRssMiB, double idleLiveHeapMiB) {
    }

    private StartupProbe() {
    }

    public static List<Start> run(PerfSettings settings, List<String> jvmOptions) throws Exception {
        List<Start> starts = new ArrayList<>();
        for (int i = 0; i < settings.startups(); i++) {
            starts.add(once("perf-startup-" + i, jvmOptions));
        }
        return starts;
    }

    public static PerfTable table(List<Start> starts, List<String> jvmOptions) {
        PerfTable table = new PerfTable("startup", "Start-up: launch to first ext_proc reply, cold exchanges, idle memory",
                "launch", "to first reply ms", "Quarkus \"started in\" s", "first exchange ms",
                "next " + COLD_EXCHANGES + " exchanges p99 ms", "max ms", "idle RSS MiB", "idle live heap MiB", "target");
        for (int i = 0; i < starts.size(); i++) {
            Start s = starts.get(i);
            table.row(i + 1, s.toFirstReplyMs(), s.quarkusStartedS(), s.firstExchangeMs(), s.coldP99Ms(), s.coldMaxMs(),
                    s.idleRssMiB(), s.idleLiveHeapMiB(), s.toFirstReplyMs() <= 2000 ? "met (≤ 2,000 ms)"
                            : String.format("missed by %.0f ms", s.toFirstReplyMs() - 2000));
        }
        table.note("The packaged jar (`java " + String.join(" ", jvmOptions) + " -jar target/quarkus-app/quarkus-run.jar`) "
                + "is launched and its gRPC port probed every 5 ms; the first reply is the first headers-only exchange "
                + "that completes. The cold exchanges follow one at a time. Idle figures are read 2 s later.");
        return table;
    }

    private static Start once(String name, List<String> jvmOptions) throws Exception {
        long launched = System.nanoTime();
        try (SluiceProcess sluice = SluiceProcess.launch(name, jvmOptions, Map.of(), Map.of())) {
            long deadline = launched + TimeUnit.SECONDS.toNanos(60);
            awaitListening(sluice, deadline);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", sluice.grpcPort()).usePlaintext().build();
            try {
                long first = firstReply(sluice, channel, deadline);
                double toFirstReplyMs = (System.nanoTime() - launched) / 1e6;
                Histogram cold = new Histogram(3);
                for (int i = 0; i < COLD_EXCHANGES; i++) {
                    cold.recordValue(SingleExchange.run(channel, Duration.ofSeconds(10)));
                }
                Thread.sleep(2000);
                ProcessProbe probe = new ProcessProbe(sluice.pid());
                double rss = ProcessProbe.mib(probe.rssBytes());
                double live = ProcessProbe.mib(probe.liveHeapBytes());
                Matcher started = STARTED_IN.matcher(sluice.log());
                return new Start(toFirstReplyMs, started.find() ? Double.parseDouble(started.group(1)) : Double.NaN,
                        first / 1e6, cold.getValueAtPercentile(99) / 1e6, cold.getMaxValue() / 1e6, rss, live);
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void awaitListening(SluiceProcess sluice, long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            if (!sluice.isAlive()) {
                throw new IllegalStateException("Sluice exited while starting:\n" + sluice.logTail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", sluice.grpcPort()), 50);
                return;
            } catch (IOException notYet) {
                Thread.sleep(5);
            }
        }
        throw new IllegalStateException("Sluice's gRPC port did not open within 60 s:\n" + sluice.logTail());
    }

    /** Retries until an exchange succeeds: the port may accept before the service is bound. */
    private static long firstReply(SluiceProcess sluice, ManagedChannel channel, long deadline) throws InterruptedException {
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                return SingleExchange.run(channel, Duration.ofSeconds(10));
            } catch (ExecutionException | TimeoutException e) {
                last = e;
                channel.resetConnectBackoff();
                Thread.sleep(5);
            }
        }
        throw new IllegalStateException("no ext_proc reply within 60 s; last error " + last + "\n" + sluice.logTail());
    }
}
