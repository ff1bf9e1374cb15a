package io.sluice.perf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.sluice.testing.ProcessProbe;

/**
 * Part (d): Sluice's heap and resident set with many idle streams (request headers answered, the upstream still
 * thinking: the state of every exchange while Envoy waits for a slow backend) and with many active ones (1 MiB
 * uploads STREAMED in 16 KiB chunks, all at once), in a JVM capped at {@link #HEAP}.
 */
public final class MemoryProbe {

    public static final String HEAP = "256m";
    /** The generated manifests' memory limit. */
    static final int POD_LIMIT_MIB = 512;

    /** One reading; {@code exchanges} and {@code errors} only for the active state. */
    public record Reading(String state, int streams, double liveHeapMiB, double rssMiB, double peakRssMiB,
            double peakDirectMiB, long exchanges, long messages, long errors, String firstError) {
    }

    private MemoryProbe() {
    }

    /**
     * {@code directBytes} reads Sluice's direct-buffer memory (its {@code jvm_buffer_memory_used_bytes{id="direct"}}):
     * sampled every 250 ms during the active run, because with many streamed bodies that, not the heap, runs out.
     */
    public static List<Reading> run(ProcessProbe sluice, int port, PerfSettings settings, DoubleSupplier directBytes)
            throws InterruptedException {
        List<Reading> readings = new ArrayList<>();
        readings.add(reading("idle, no streams", 0, sluice, 0, 0));
        readings.add(idleStreams(sluice, port, settings.idleStreams()));
        Thread.sleep(1000);
        AtomicReference<Reading> underLoad = new AtomicReference<>();
        int active = settings.activeStreams();
        DirectMemorySampler direct = new DirectMemorySampler(directBytes);
        direct.start();
        ExtProcLoad.Result result;
        try {
            result = ExtProcLoad.run("sluice", port, ExtProcWorkload.STREAMED_1MIB,
                    new ExtProcLoad.Closed(active), settings.warmup(), settings.measure().multipliedBy(4), sluice::cpuNanos,
                    () -> underLoad.set(reading("active (STREAMED 1 MiB uploads)", active, sluice, 0, 0)));
        } finally {
            direct.stop();
        }
        Reading r = underLoad.get();
        readings.add(new Reading(r.state(), active, r.liveHeapMiB(), r.rssMiB(), ProcessProbe.mib(sluice.peakRssBytes()),
                direct.peakMiB(), result.exchanges(), result.messages(), result.errors(), result.firstError()));
        Thread.sleep(1000);
        readings.add(flood(sluice, port, settings.full() ? FLOOD_CONNECTIONS : 20, settings.measure().multipliedBy(3),
                directBytes));
        return readings;
    }

    /** Issue 11: 200 connections, each flooding one STREAMED stream and never reading a reply. */
    static final int FLOOD_CONNECTIONS = 200;

    /**
     * One stream per connection, each sending 16 KiB body chunks whenever gRPC lets it and reading no reply (its
     * receive window at HTTP/2's minimum): Sluice's replies back up, it stops taking messages, and each stream's bytes
     * must stay within its own window. After {@code duration}, every stream must still be open.
     */
    private static Reading flood(ProcessProbe sluice, int port, int connections, java.time.Duration duration,
            DoubleSupplier directBytes) throws InterruptedException {
        List<ManagedChannel> channels = new ArrayList<>();
        List<ClientCallStreamObserver<ProcessingRequest>> streams = new ArrayList<>();
        AtomicLong failed = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        ProcessingRequest headers = ExtProcWorkload.STREAMED_1MIB.steps().get(0).get(0);
        ProcessingRequest chunk = ExtProcWorkload.STREAMED_1MIB.steps().get(1).get(0);
        DirectMemorySampler direct = new DirectMemorySampler(directBytes);
        direct.start();
        try {
            for (int i = 0; i < connections; i++) {
                ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor()
                        .flowControlWindow(65_535).build();
                channels.add(channel);
                ExternalProcessorGrpc.newStub(channel).process(new ClientResponseObserver<ProcessingRequest, ProcessingResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<ProcessingRequest> stream) {
                        stream.disableAutoRequestWithInitial(0);
                        synchronized (streams) {
                            streams.add(stream);
                        }
                        stream.setOnReadyHandler(() -> {
                            while (stream.isReady()) {
                                stream.onNext(chunk);
                                sent.incrementAndGet();
                            }
                        });
                    }

                    @Override
                    public void onNext(ProcessingResponse value) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
                synchronized (streams) {
                    streams.get(streams.size() - 1).onNext(headers);
                }
            }
            Thread.sleep(duration.toMillis());
            Reading r = reading(connections + " connections flooding one STREAMED stream each, replies unread", connections,
                    sluice, 0, 0);
            direct.stop();
            return new Reading(r.state(), connections, r.liveHeapMiB(), r.rssMiB(), ProcessProbe.mib(sluice.peakRssBytes()),
                    direct.peakMiB(), 0, sent.get(), failed.get(),
                    firstFailure.get() == null ? null : String.valueOf(firstFailure.get()));
        } finally {
            direct.stop();
            synchronized (streams) {
                streams.forEach(s -> s.cancel("memory probe over", null));
            }
            for (ManagedChannel channel : channels) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The highest reading of a gauge over a period, from a thread of its own. */
    private static final class DirectMemorySampler {
        private final DoubleSupplier gauge;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile double peak = Double.NaN;

        DirectMemorySampler(DoubleSupplier gauge) {
            this.gauge = gauge;
            this.thread = new Thread(this::sample, "direct-memory-sampler");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }

        double peakMiB() {
            return peak / (1024 * 1024);
        }

        private void sample() {
            while (running) {
                try {
                    double now = gauge.getAsDouble();
                    peak = Double.isNaN(peak) ? now : Math.max(peak, now);
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException unreadable) {
                    // Sluice failing under the load is what the table reports; the sampler just stops.
                    return;
                }
            }
        }
    }

    public static PerfTable table(List<Reading> readings) {
        PerfTable table = new PerfTable("memory", "Memory: idle, active and flooding streams, with the manifests' JVM limits "
                + "(" + String.join(" ", PerformanceSuiteIT.MANIFEST_JVM) + "; pod limit " + POD_LIMIT_MIB + " MiB)",
                "state", "streams", "live heap MiB", "KiB per stream", "RSS MiB", "peak RSS MiB", "peak direct MiB", "exchanges done",
                "messages answered (flood: chunks sent)", "errors", "target");
        Reading idle = readings.get(0);
        for (Reading r : readings) {
            double perStream = r.streams() == 0 ? Double.NaN : (r.liveHeapMiB() - idle.liveHeapMiB()) * 1024 / r.streams();
            boolean loaded = r.state().startsWith("active") || r.state().contains("flooding");
            table.row(r.state(), r.streams(), r.liveHeapMiB(), perStream, r.rssMiB(), r.peakRssMiB(), r.peakDirectMiB(),
                    loaded ? r.exchanges() : "—", loaded ? r.messages() : "—", loaded ? r.errors() : "—",
                    loaded ? (r.errors() == 0 && r.messages() > 0 && r.peakRssMiB() < POD_LIMIT_MIB
                            ? "met (no stream lost, RSS under the pod limit)"
                            : "missed: " + r.errors() + " streams failed (first: " + r.firstError() + "), peak RSS "
                                    + Math.round(r.peakRssMiB()) + " MiB") : "—");
        }
        table.note("Live heap is read after a full collection (jcmd GC.run) while the streams are open; for the active "
                + "state, halfway through the run. Sluice runs with -XX:+ExitOnOutOfMemoryError, so running out of heap or "
                + "direct memory would end the process and fail every stream. Peak direct is the highest of Sluice's "
                + "direct-buffer memory (jvm_buffer_memory_used_bytes{id=\"direct\"}, every 250 ms).")
                .note("Protocol level, no Envoy: neither Envoy Gateway's cluster settings nor Envoy's defaults apply. The "
                        + "generator's grpc-java channels have one 1 MiB window per stream and per connection (the flooding "
                        + "ones HTTP/2's initial 65,535 bytes, reading nothing); grpc-java cannot set Envoy Gateway's 64 KiB stream / 1 MiB "
                        + "connection pair, and Envoy's 32 KiB buffer limit has no counterpart in a client. Envoy with either "
                        + "cluster is the isolation part.");
        return table;
    }

    private static Reading reading(String state, int streams, ProcessProbe sluice, long exchanges, long errors) {
        long live = sluice.liveHeapBytes();
        return new Reading(state, streams, ProcessProbe.mib(live), ProcessProbe.mib(sluice.rssBytes()),
                ProcessProbe.mib(sluice.peakRssBytes()), Double.NaN, exchanges, 0, errors, null);
    }

    /** Opens {@code count} exchanges, waits until each has its request headers answered, reads, then resets them. */
    private static Reading idleStreams(ProcessProbe sluice, int port, int count) throws InterruptedException {
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < ExtProcLoad.connectionsFor(count); i++) {
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor().build());
        }
        List<ClientCallStreamObserver<ProcessingRequest>> streams = new ArrayList<>();
        CountDownLatch answered = new CountDownLatch(count);
        AtomicLong failed = new AtomicLong();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        ProcessingRequest request = ExtProcWorkload.HEADERS_ONLY.steps().get(0).get(0);
        try {
            for (int i = 0; i < count; i++) {
                ExternalProcessorGrpc.newStub(channels.get(i % channels.size())).process(
                        new ClientResponseObserver<ProcessingRequest, ProcessingResponse>() {
                            @Override
                            public void beforeStart(ClientCallStreamObserver<ProcessingRequest> stream) {
                                synchronized (streams) {
                                    streams.add(stream);
                                }
                            }

                            @Override
                            public void onNext(ProcessingResponse value) {
                                answered.countDown();
                            }

                            @Override
                            public void onError(Throwable t) {
                                failed.incrementAndGet();
                                firstFailure.compareAndSet(null, t);
                                answered.countDown();
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                synchronized (streams) {
                    streams.get(streams.size() - 1).onNext(request);
                }
            }
            if (!answered.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(answered.getCount() + " of " + count + " idle streams got no reply in 120 s");
            }
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " of " + count + " idle streams failed; first: " + firstFailure.get());
            }
            return reading("idle (request headers answered, waiting)", count, sluice, 0, 0);
        } finally {
            synchronized (streams) {
                streams.forEach(s -> s.cancel("memory probe over", null));
            }
            for (ManagedChannel channel : channels) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
