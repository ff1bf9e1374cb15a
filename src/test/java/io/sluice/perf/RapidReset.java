package io.sluice.perf;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.HdrHistogram.Histogram;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.sluice.stagetest.EnvoyMessages;
import io.sluice.testing.ExtProcClient;
import io.sluice.testing.RawHttp2;

/**
 * Part (i) of the performance suite: an unpaced HTTP/2 rapid reset (HEADERS then RST_STREAM, as fast as the socket
 * takes them) over several connections, and beside it a canary: one headers-only exchange every 10 ms on a connection
 * of its own (open model), before and during the attack. What counts: the canary's p99 during the attack (the issue's
 * target: under 50 ms) and whether the abusive connections were closed, with which GOAWAY code. The guard closes each
 * abusive connection within a fraction of a second, too short for a p99 of a few canaries to mean anything, so the
 * attack is repeated ({@code -Dperf.abuse.attacks}, 10 in the full run), a second apart, and the canary's exchanges
 * during all of them go into one histogram.
 */
final class RapidReset {

    static final Duration CANARY_INTERVAL = Duration.ofMillis(10);
    static final Duration BEFORE = Duration.ofSeconds(3);
    static final Duration BETWEEN = Duration.ofSeconds(1);

    private static final int BEFORE_ATTACK = 0;
    private static final int DURING = 1;
    private static final int BETWEEN_ATTACKS = 2;

    record Attacker(int planned, int sent, long goawayCode) {
    }

    record Run(int attacks, int attackers, int planned, long sent, double startedPerConnection, long closedByGoaway,
            String goawayCodes, long canaryBefore, long canaryBeforeP99Micros, long canaryDuring,
            long canaryDuringP99Micros, long canaryDuringMaxMicros, long canaryFailed, double longestAttackSeconds) {
    }

    /**
     * {@code streamsStarted} reads Sluice's {@code sluice_streams_started_total}: what the attack made Sluice start,
     * whatever the machine's load (the canary's latency depends on it).
     */
    static Run run(int grpcPort, PerfSettings settings, java.util.function.DoubleSupplier streamsStarted) throws Exception {
        int attacks = Integer.getInteger("perf.abuse.attacks", settings.full() ? 10 : 1);
        int attackers = settings.full() ? 5 : 2;
        int streams = settings.full() ? 10_000 : 500;
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
        AtomicInteger phase = new AtomicInteger(BEFORE_ATTACK);
        java.util.concurrent.atomic.AtomicLong canariesStarted = new java.util.concurrent.atomic.AtomicLong();
        ScheduledExecutorService canary = Executors.newScheduledThreadPool(4);
        // A thread per attacker: the common pool has one thread on two cores, and would run the attackers one by one.
        ExecutorService attackerThreads = Executors.newFixedThreadPool(attackers);
        try {
            canary.scheduleAtFixedRate(() -> {
                canariesStarted.incrementAndGet();
                samples.add(canaryExchange(channel, phase.get()));
            }, 0,
                    CANARY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            Thread.sleep(BEFORE.toMillis());
            List<Attacker> results = new ArrayList<>();
            double longest = 0;
            double started = 0;
            for (int attack = 0; attack < attacks; attack++) {
                if (attack > 0) {
                    phase.set(BETWEEN_ATTACKS);
                    Thread.sleep(BETWEEN.toMillis());
                }
                phase.set(DURING);
                double startedBefore = streamsStarted.getAsDouble();
                long canariesBefore = canariesStarted.get();
                long start = System.nanoTime();
                List<CompletableFuture<Attacker>> attacking = new ArrayList<>();
                for (int i = 0; i < attackers; i++) {
                    attacking.add(CompletableFuture.supplyAsync(() -> attack(grpcPort, streams), attackerThreads));
                }
                // At least one canary inside the attack, however short the attack turns out.
                canariesStarted.incrementAndGet();
                samples.add(canaryExchange(channel, DURING));
                for (CompletableFuture<Attacker> attacker : attacking) {
                    results.add(attacker.get(2, TimeUnit.MINUTES));
                }
                longest = Math.max(longest, (System.nanoTime() - start) / 1e9);
                // Streams reset by the attack end within the close; a short settle lets the counter see every one.
                Thread.sleep(200);
                started += streamsStarted.getAsDouble() - startedBefore - (canariesStarted.get() - canariesBefore);
            }
            phase.set(BETWEEN_ATTACKS);
            Thread.sleep(200);
            canary.shutdown();
            canary.awaitTermination(10, TimeUnit.SECONDS);
            return summarize(attacks, attackers, streams, results, samples, longest, started / (attacks * attackers));
        } finally {
            canary.shutdownNow();
            attackerThreads.shutdownNow();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** {phase, latency µs, failed (0/1)} */
    private static long[] canaryExchange(ManagedChannel channel, int phase) {
        long start = System.nanoTime();
        boolean ok;
        try (ExtProcClient stream = ExtProcClient.open(channel)) {
            stream.send(EnvoyMessages.requestHeaders(true));
            ok = stream.next(Duration.ofSeconds(5)).getResponseCase() == ProcessingResponse.ResponseCase.REQUEST_HEADERS;
            stream.cancel();
        } catch (RuntimeException | AssertionError e) {
            ok = false;
        }
        return new long[] { phase, (System.nanoTime() - start) / 1_000, ok ? 0 : 1 };
    }

    private static Attacker attack(int port, int streams) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            RawHttp2.Attack attack = RawHttp2.rapidReset(socket, streams);
            return new Attacker(streams, attack.sent(), attack.goawayCode());
        } catch (IOException e) {
            return new Attacker(streams, 0, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attacker(streams, 0, -1);
        }
    }

    private static Run summarize(int attacks, int attackers, int streams, List<Attacker> results,
            ConcurrentLinkedQueue<long[]> samples, double longest, double startedPerConnection) {
        Histogram before = new Histogram(3);
        Histogram during = new Histogram(3);
        long failed = 0;
        for (long[] s : samples) {
            if (s[0] == BETWEEN_ATTACKS) {
                continue;
            }
            (s[0] == DURING ? during : before).recordValue(Math.max(1, s[1]));
            if (s[0] == DURING && s[2] == 1) {
                failed++;
            }
        }
        long sent = results.stream().mapToLong(Attacker::sent).sum();
        long closed = results.stream().filter(a -> a.goawayCode() >= 0).count();
        String codes = results.stream().map(a -> a.goawayCode() == 0xB ? "ENHANCE_YOUR_CALM"
                : a.goawayCode() < 0 ? "none" : Long.toString(a.goawayCode())).distinct().sorted()
                .reduce((a, b) -> a + ", " + b).orElse("none");
        return new Run(attacks, attackers, attacks * attackers * streams, sent, startedPerConnection, closed, codes,
                before.getTotalCount(),
                before.getValueAtPercentile(99), during.getTotalCount(), during.getValueAtPercentile(99),
                during.getMaxValue(), failed, longest);
    }

    static PerfTable table(Run r) {
        PerfTable table = new PerfTable("rapid-reset", "HTTP/2 rapid reset (HEADERS + RST_STREAM, unpaced) over several "
                + "connections, and a headers-only canary every 10 ms on a connection of its own (target: canary p99 "
                + "under 50 ms during the attack, abusive connections closed)",
                "attacks", "connections each", "streams planned", "streams sent before closed",
                "exchanges Sluice started per connection", "closed with GOAWAY",
                "GOAWAY code", "longest attack s", "canary before: exchanges", "p99 (ms)", "canary during: exchanges",
                "p99 (ms)", "max (ms)", "canary failed during");
        table.row(r.attacks(), r.attackers(), r.planned(), r.sent(), r.startedPerConnection(), r.closedByGoaway(),
                r.goawayCodes(),
                r.longestAttackSeconds(), r.canaryBefore(), r.canaryBeforeP99Micros() / 1000.0, r.canaryDuring(),
                r.canaryDuringP99Micros() / 1000.0, r.canaryDuringMaxMicros() / 1000.0, r.canaryFailed());
        table.note("Latencies from HdrHistogram over every canary exchange that started during an attack (from its "
                + "first HEADERS to the last abusive connection's GOAWAY), all attacks pooled; attacks are "
                + BETWEEN.toMillis() + " ms apart, and canaries between them are not counted.");
        return table;
    }
}
