package io.sluice.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.envoyproxy.envoy.service.ext_proc.v3.ProtocolConfiguration;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * Closed-loop load like Envoy's: each worker runs one exchange after another on its own stream (request headers,
 * wait, response headers, wait, reset), over one HTTP/2 connection. Records per-message latency.
 */
final class HeadersOnlyLoad {

    record Result(String name, long exchanges, double seconds, Histogram latency) {
        double exchangesPerSecond() {
            return exchanges / seconds;
        }

        String line() {
            return String.format("%-9s %9.0f exchanges/s   p50 %7.1f us   p99 %7.1f us   p99.9 %7.1f us   (%d exchanges in %.1f s)",
                    name, exchangesPerSecond(), latency.getValueAtPercentile(50) / 1000.0,
                    latency.getValueAtPercentile(99) / 1000.0, latency.getValueAtPercentile(99.9) / 1000.0, exchanges, seconds);
        }
    }

    private static final ProcessingRequest REQUEST_HEADERS = requestHeaders("/myapp");

    /** Request headers as Envoy sends them for a curl GET of {@code path}. */
    static ProcessingRequest requestHeaders(String path) {
        return ProcessingRequest.newBuilder()
                .setRequestHeaders(HttpHeaders.newBuilder().setEndOfStream(true).setHeaders(headers(
                        ":method", "GET", ":path", path, ":authority", "www.example.com", ":scheme", "http",
                        "user-agent", "curl/8.5.0", "accept", "*/*", "x-forwarded-proto", "http",
                        "x-request-id", "6f1c6f5e-2f1d-4a52-9d4e-2f1f3c9a2b10")))
                .setProtocolConfig(ProtocolConfiguration.newBuilder().setRequestBodyMode(BodySendMode.NONE)
                        .setResponseBodyMode(BodySendMode.NONE))
                .build();
    }
    private static final ProcessingRequest RESPONSE_HEADERS = ProcessingRequest.newBuilder()
            .setResponseHeaders(HttpHeaders.newBuilder().setEndOfStream(true).setHeaders(headers(
                    ":status", "200", "content-type", "application/json", "content-length", "502",
                    "date", "Fri, 14 Jun 2024 19:30:40 GMT")))
            .build();

    private static HeaderMap headers(String... nv) {
        HeaderMap.Builder map = HeaderMap.newBuilder();
        for (int i = 0; i < nv.length; i += 2) {
            map.addHeaders(HeaderValue.newBuilder().setKey(nv[i]).setRawValue(ByteString.copyFromUtf8(nv[i + 1])));
        }
        return map.build();
    }

    static Result run(String name, int port, int concurrency, Duration warmup, Duration measure) throws InterruptedException {
        return run(name, port, concurrency, warmup, measure, () -> REQUEST_HEADERS);
    }

    /** As above, with the request headers of each exchange from {@code requests} (e.g. a path per exchange). */
    static Result run(String name, int port, int concurrency, Duration warmup, Duration measure,
            java.util.function.Supplier<ProcessingRequest> requests) throws InterruptedException {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .flowControlWindow(1 << 20).build();
        try {
            Recorder recorder = new Recorder(3);
            AtomicLong exchanges = new AtomicLong();
            AtomicBoolean recording = new AtomicBoolean(false);
            AtomicBoolean running = new AtomicBoolean(true);
            CountDownLatch stopped = new CountDownLatch(concurrency);
            ExternalProcessorGrpc.ExternalProcessorStub stub = ExternalProcessorGrpc.newStub(channel);
            for (int i = 0; i < concurrency; i++) {
                new Worker(stub, recorder, exchanges, recording, running, stopped, requests).next();
            }
            if (!warmup.isZero()) {
                Thread.sleep(warmup.toMillis());
            }
            recorder.reset();
            exchanges.set(0);
            recording.set(true);
            long start = System.nanoTime();
            Thread.sleep(measure.toMillis());
            long done = exchanges.get();
            double seconds = (System.nanoTime() - start) / 1e9;
            Histogram latency = recorder.getIntervalHistogram();
            running.set(false);
            stopped.await(10, TimeUnit.SECONDS);
            return new Result(name, done, seconds, latency);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** One Envoy worker's sequence of exchanges, driven by callbacks (no thread per exchange). */
    private static final class Worker {
        private final ExternalProcessorGrpc.ExternalProcessorStub stub;
        private final Recorder recorder;
        private final AtomicLong exchanges;
        private final AtomicBoolean recording;
        private final AtomicBoolean running;
        private final CountDownLatch stopped;
        private final java.util.function.Supplier<ProcessingRequest> requests;

        Worker(ExternalProcessorGrpc.ExternalProcessorStub stub, Recorder recorder, AtomicLong exchanges,
                AtomicBoolean recording, AtomicBoolean running, CountDownLatch stopped,
                java.util.function.Supplier<ProcessingRequest> requests) {
            this.requests = requests;
            this.stub = stub;
            this.recorder = recorder;
            this.exchanges = exchanges;
            this.recording = recording;
            this.running = running;
            this.stopped = stopped;
        }

        void next() {
            if (!running.get()) {
                stopped.countDown();
                return;
            }
            OneExchange exchange = new OneExchange();
            stub.process(exchange);
            exchange.send(requests.get());
        }

        private final class OneExchange implements ClientResponseObserver<ProcessingRequest, ProcessingResponse> {
            private ClientCallStreamObserver<ProcessingRequest> out;
            private volatile long sentAt;
            private int replies;

            @Override
            public void beforeStart(ClientCallStreamObserver<ProcessingRequest> stream) {
                out = stream;
            }

            void send(ProcessingRequest r) {
                sentAt = System.nanoTime();
                out.onNext(r);
            }

            @Override
            public void onNext(ProcessingResponse value) {
                if (recording.get()) {
                    recorder.recordValue(System.nanoTime() - sentAt);
                }
                if (++replies == 1) {
                    send(RESPONSE_HEADERS);
                } else {
                    // Envoy's default close: reset the stream once the last reply is in.
                    out.cancel("exchange complete", null);
                    exchanges.incrementAndGet();
                    next();
                }
            }

            @Override
            public void onError(Throwable t) {
                if (replies < 2) {
                    System.err.println("exchange failed: " + t);
                    running.set(false);
                    stopped.countDown();
                }
            }

            @Override
            public void onCompleted() {
            }
        }
    }
}
