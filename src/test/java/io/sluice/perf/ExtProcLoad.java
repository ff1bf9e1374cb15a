package io.sluice.perf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * Load as Envoy's ext_proc filter makes it: one gRPC stream per exchange, the messages of {@link ExtProcWorkload}
 * in Envoy's order, a STREAMED body paced by gRPC flow control, the stream reset once the last reply is in. Spread
 * over {@link #CONNECTIONS} HTTP/2 connections, as Envoy's workers each hold one, or more where the exchanges in flight
 * exceed {@link #STREAMS_PER_CONNECTION} per connection, as Envoy opens them.
 *
 * <p>Two models. {@link Closed}: a fixed number of exchanges in flight, each followed by the next (throughput).
 * {@link Open}: exchanges start on a fixed schedule whatever the server does, and the first message's latency is
 * counted from when it was due, not from when it went out, so a stalled server cannot hide its stall by slowing the
 * generator down (coordinated omission).
 */
public final class ExtProcLoad {

    public static final int CONNECTIONS = 2;
    /**
     * Sluice's {@code sluice.transport.max-concurrent-streams}: like Envoy, the generator opens another connection
     * rather than queue exchanges behind a connection's limit.
     */
    public static final int STREAMS_PER_CONNECTION = 400;

    /** At least {@link #CONNECTIONS}, and enough that no connection carries more than its limit of streams. */
    public static int connectionsFor(int streams) {
        return Math.max(CONNECTIONS, (streams + STREAMS_PER_CONNECTION - 1) / STREAMS_PER_CONNECTION);
    }

    public sealed interface Model permits Closed, Open {
        String describe();
    }

    /** A fixed number of exchanges in flight. */
    public record Closed(int concurrency) implements Model {
        public String describe() {
            return "closed, " + concurrency + " in flight";
        }
    }

    /** A fixed arrival rate; at most {@code maxOutstanding} exchanges in flight, later ones are counted as refused. */
    public record Open(double exchangesPerSecond, int maxOutstanding) implements Model {
        public String describe() {
            return String.format("open, %.0f exchanges/s", exchangesPerSecond);
        }
    }

    /** What one measured run saw. Latencies in nanoseconds; CPU is the server's, over the measured window. */
    public record Result(String target, ExtProcWorkload workload, Model model, long exchanges, long messages,
            double seconds, Histogram messageLatency, Histogram exchangeLatency, long errors, String firstError,
            long refused, double serverCpuSeconds) {

        public double exchangesPerSecond() {
            return exchanges / seconds;
        }

        public double messagesPerSecond() {
            return messages / seconds;
        }

        public double cpuSecondsPer1000Exchanges() {
            return exchanges == 0 ? Double.NaN : serverCpuSeconds * 1000 / exchanges;
        }

        /** Per-message latency at {@code percentile}, in microseconds. */
        public double messageMicros(double percentile) {
            return messageLatency.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    private ExtProcLoad() {
    }

    /**
     * Runs {@code warmup} unrecorded, then {@code measure} recorded. {@code serverCpuNanos} reads the server process's
     * CPU time; {@code midMeasure} runs halfway through the measured window (a heap reading under load, say).
     */
    public static Result run(String target, int port, ExtProcWorkload workload, Model model, Duration warmup,
            Duration measure, LongSupplier serverCpuNanos, Runnable midMeasure) throws InterruptedException {
        List<ManagedChannel> channels = new ArrayList<>();
        // An open model's backlog beyond Sluice's sluice.overload.max-exchanges (400) is refused, not carried.
        int inFlight = model instanceof Closed closedModel ? closedModel.concurrency()
                : Math.min(((Open) model).maxOutstanding(), 400);
        for (int i = 0; i < connectionsFor(inFlight); i++) {
            // directExecutor: replies are handled on the transport thread, as cheaply as Envoy's event loop does.
            channels.add(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().directExecutor()
                    .flowControlWindow(1 << 20).build());
        }
        Run run = new Run(workload, channels);
        try {
            Thread driver = model instanceof Open open ? run.openLoop(open) : run.closedLoop((Closed) model);
            sleep(warmup);
            run.startRecording();
            long cpuBefore = serverCpuNanos.getAsLong();
            long start = System.nanoTime();
            sleep(measure.dividedBy(2));
            midMeasure.run();
            long left = measure.toNanos() - (System.nanoTime() - start);
            if (left > 0) {
                LockSupport.parkNanos(left);
            }
            Result result = run.stopRecording(target, model, (System.nanoTime() - start) / 1e9,
                    (serverCpuNanos.getAsLong() - cpuBefore) / 1e9);
            run.stop(driver);
            return result;
        } finally {
            for (ManagedChannel channel : channels) {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        if (!d.isZero()) {
            Thread.sleep(d.toMillis());
        }
    }

    /** The shared state of one run: counters, histograms, and what starts the next exchange. */
    private static final class Run {
        final ExtProcWorkload workload;
        final List<ExternalProcessorGrpc.ExternalProcessorStub> stubs = new ArrayList<>();
        final Recorder messageLatency = new Recorder(3);
        final Recorder exchangeLatency = new Recorder(3);
        final AtomicLong exchanges = new AtomicLong();
        final AtomicLong messages = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong outstanding = new AtomicLong();
        final AtomicLong started = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        volatile boolean recording;
        volatile boolean running = true;
        volatile Closed closed;

        Run(ExtProcWorkload workload, List<ManagedChannel> channels) {
            this.workload = workload;
            channels.forEach(c -> stubs.add(ExternalProcessorGrpc.newStub(c)));
        }

        Thread closedLoop(Closed model) {
            closed = model;
            for (int i = 0; i < model.concurrency(); i++) {
                start(System.nanoTime());
            }
            return null;
        }

        Thread openLoop(Open model) {
            long interval = (long) (1e9 / model.exchangesPerSecond());
            Thread scheduler = new Thread(() -> {
                long next = System.nanoTime();
                while (running) {
                    long now = System.nanoTime();
                    while (next <= now && running) {
                        if (outstanding.get() >= model.maxOutstanding()) {
                            refused.incrementAndGet();
                        } else {
                            start(next);
                        }
                        next += interval;
                    }
                    LockSupport.parkNanos(next - System.nanoTime());
                }
            }, "ext-proc-load-schedule");
            scheduler.setDaemon(true);
            scheduler.start();
            return scheduler;
        }

        void start(long due) {
            outstanding.incrementAndGet();
            Exchange exchange = new Exchange(this, due);
            stubs.get((int) (started.getAndIncrement() % stubs.size())).process(exchange);
            exchange.begin();
        }

        /** Called once per exchange, on success or failure: a closed model keeps its count in flight. */
        void finished(Exchange exchange, boolean ok, long now) {
            outstanding.decrementAndGet();
            if (ok && recording) {
                exchanges.incrementAndGet();
                exchangeLatency.recordValue(now - exchange.due);
            }
            if (closed != null && running && errors.get() < 1000) {
                start(System.nanoTime());
            }
        }

        void failed(Throwable t) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, String.valueOf(t));
        }

        void startRecording() {
            messageLatency.reset();
            exchangeLatency.reset();
            exchanges.set(0);
            messages.set(0);
            errors.set(0);
            refused.set(0);
            firstError.set(null);
            recording = true;
        }

        Result stopRecording(String target, Model model, double seconds, double cpuSeconds) {
            recording = false;
            return new Result(target, workload, model, exchanges.get(), messages.get(), seconds,
                    messageLatency.getIntervalHistogram(), exchangeLatency.getIntervalHistogram(), errors.get(),
                    firstError.get(), refused.get(), cpuSeconds);
        }

        /** Stops starting exchanges and lets the ones in flight finish, so the next run starts on a quiet server. */
        void stop(Thread driver) throws InterruptedException {
            running = false;
            if (driver != null) {
                driver.join(5_000);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (outstanding.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
    }

    /** One exchange: its stream, the step it is in, and when each message of that step went out. */
    private static final class Exchange implements ClientResponseObserver<ProcessingRequest, ProcessingResponse> {
        private final Run run;
        private final long due;
        private final ProcessingRequest first;
        private final long[] sentAt;
        private ClientCallStreamObserver<ProcessingRequest> out;
        private int step;
        private int sent;
        private int answered;
        private boolean done;
        /** onReady can fire as the call starts, before {@link #begin}: nothing may go out ahead of the headers. */
        private boolean begun;

        Exchange(Run run, long due) {
            this.run = run;
            this.due = due;
            this.first = run.workload.firstMessage().get();
            this.sentAt = new long[run.workload.steps().stream().mapToInt(List::size).max().orElse(1)];
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<ProcessingRequest> stream) {
            out = stream;
            stream.setOnReadyHandler(this::pump);
        }

        synchronized void begin() {
            // Headers go out at once, as Envoy sends them whatever its buffers hold; due is the intended start, so
            // in the open model a late start counts against the server.
            sentAt[0] = due;
            sent = 1;
            begun = true;
            out.onNext(first);
            pump();
        }

        /** Sends what the step still has while the stream takes it: a STREAMED body waits for flow control. */
        synchronized void pump() {
            if (!begun) {
                return;
            }
            List<ProcessingRequest> messages = run.workload.steps().get(step);
            while (!done && sent < messages.size() && out.isReady()) {
                sentAt[sent] = System.nanoTime();
                out.onNext(run.workload.message(step, sent, first));
                sent++;
            }
        }

        @Override
        public synchronized void onNext(ProcessingResponse reply) {
            long now = System.nanoTime();
            if (done) {
                return;
            }
            ProcessingRequest asked = run.workload.message(step, answered, first);
            if (!ExtProcWorkload.answers(asked, reply)) {
                fail(new IllegalStateException("reply to " + asked.getRequestCase() + " was " + reply.getResponseCase()));
                return;
            }
            if (run.recording) {
                run.messages.incrementAndGet();
                run.messageLatency.recordValue(now - sentAt[answered]);
            }
            answered++;
            if (answered < run.workload.steps().get(step).size()) {
                return;
            }
            step++;
            answered = 0;
            sent = 0;
            if (step == run.workload.steps().size()) {
                done = true;
                // What a server sees of Envoy's default close (a half-close, then a reset, once the last reply is in):
                // a cancelled call. A half-close here first mostly reached the server after the reset, as grpc-java's
                // client sent its DATA frame after RST_STREAM, and each server's Netty built a stream error with its
                // stack trace for it (5 to 7 % of their CPU, profiled): a cost this client would add to both.
                out.cancel("exchange complete", null);
                run.finished(this, true, now);
                return;
            }
            pump();
        }

        private void fail(Throwable t) {
            done = true;
            out.cancel("load generator: " + t.getMessage(), null);
            run.failed(t);
            run.finished(this, false, System.nanoTime());
        }

        @Override
        public synchronized void onError(Throwable t) {
            if (!done) {
                done = true;
                run.failed(t);
                run.finished(this, false, System.nanoTime());
            }
        }

        @Override
        public void onCompleted() {
            synchronized (this) {
                if (!done) {
                    onError(new IllegalStateException("server closed the stream before the exchange was over"));
                }
            }
        }
    }
}
