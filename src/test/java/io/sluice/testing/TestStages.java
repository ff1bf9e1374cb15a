package io.sluice.testing;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.sluice.stage.BodyPhase;
import io.sluice.stage.ExchangeContext;
import io.sluice.stage.HeadersPhase;
import io.sluice.stage.ModeOverride;
import io.sluice.stage.Outcome;
import io.sluice.stage.RequestHeadersPhase;
import io.sluice.stage.Stage;

/**
 * Stages that exist only for tests; the %test profile routes paths to pipelines made of them, and sets the policies
 * that differ from the default ({@code sluice.stage.<name>.*}).
 */
public final class TestStages {

    private TestStages() {
    }

    /** Answers every body chunk late, to prove that a slow stage slows the sender down. */
    @ApplicationScoped
    @Identifier("slow-body")
    public static class SlowBody implements Stage {
        public static final Duration DELAY = Duration.ofMillis(4);

        @Override
        public Uni<Outcome> onRequestBody(BodyPhase phase) {
            return Uni.createFrom().<Outcome>item(Outcome.Continue.INSTANCE).onItem().delayIt().by(DELAY);
        }
    }

    /**
     * Holds every request body chunk until a test releases it: a stream that Sluice holds back by backpressure, for as
     * long as a test needs it held.
     */
    @ApplicationScoped
    @Identifier("hold-body")
    public static class HoldBody implements Stage {
        private static volatile java.util.concurrent.CompletableFuture<Void> release = new java.util.concurrent.CompletableFuture<>();

        /** Lets every chunk held so far, and every later one, through; the next {@link #hold()} holds again. */
        public static void releaseAll() {
            release.complete(null);
        }

        public static void hold() {
            release = new java.util.concurrent.CompletableFuture<>();
        }

        @Override
        public Uni<Outcome> onRequestBody(BodyPhase phase) {
            return Uni.createFrom().completionStage(release).replaceWith(Outcome.Continue.INSTANCE);
        }
    }

    /** Names the thread that ran it in a request header, to show which event loop served the stream. */
    @ApplicationScoped
    @Identifier("thread-probe")
    public static class ThreadProbe implements Stage {
        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            phase.headers().set("x-sluice-thread", Thread.currentThread().getName());
            return Outcome.proceed();
        }
    }

    /** Upper-cases body chunks in both directions. */
    @ApplicationScoped
    @Identifier("upper-body")
    public static class UpperBody implements Stage {
        @Override
        public Uni<Outcome> onBody(BodyPhase phase) {
            phase.replaceChunk(ByteString.copyFromUtf8(phase.chunk().toStringUtf8().toUpperCase(Locale.ROOT)));
            return Outcome.proceed();
        }
    }

    /** Asks Envoy to stream the request body. */
    @ApplicationScoped
    @Identifier("stream-request-body")
    public static class StreamRequestBody implements Stage {
        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            phase.overrideMode(ModeOverride.none().withRequestBody(BodySendMode.STREAMED));
            return Outcome.proceed();
        }
    }

    /** Changes a header, then fails: with fail-open its change must disappear. */
    @ApplicationScoped
    @Identifier("boom-open")
    public static class BoomOpen implements Stage {
        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            phase.headers().set("x-boom", "should-be-rolled-back");
            phase.emitMetadata("boom", "k", "v");
            return Uni.createFrom().failure(new IllegalStateException("boom"));
        }
    }

    @ApplicationScoped
    @Identifier("boom-respond")
    public static class BoomRespond implements Stage {
        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            throw new IllegalStateException("boom");
        }
    }

    @ApplicationScoped
    @Identifier("boom-grpc")
    public static class BoomGrpc implements Stage {
        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            return Uni.createFrom().failure(new IllegalStateException("boom"));
        }
    }

    /** Never answers; its 50 ms timeout and fail-open policy (test profile) must let the exchange carry on. */
    @ApplicationScoped
    @Identifier("stall")
    public static class Stall implements Stage {
        public static final AtomicInteger LATE_WRITES_REJECTED = new AtomicInteger();

        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            // A late callback, long after the 50 ms timeout: the write must be refused, not leak into the reply.
            Infrastructure.getDefaultWorkerPool().schedule(() -> {
                try {
                    phase.headers().set("x-late", "too-late");
                } catch (IllegalStateException expected) {
                    LATE_WRITES_REJECTED.incrementAndGet();
                }
            }, 200, TimeUnit.MILLISECONDS);
            return Uni.createFrom().nothing();
        }
    }

    /**
     * Records, per pipeline and path, whether the exchanges it saw were Sluice's warm-up ones, and holds the warm-up
     * back ({@link #prepare}) until a test releases it, so that a test can look at Sluice while it is not warm yet.
     */
    @ApplicationScoped
    @Identifier("warm-up-probe")
    public static class WarmUpProbe implements Stage {
        /** "pipeline authority path" to whether each exchange seen there was a warm-up one, in arrival order. */
        public static final Map<String, List<Boolean>> SEEN = new ConcurrentHashMap<>();
        private static final CompletableFuture<Void> RELEASED = new CompletableFuture<>();

        public static void release() {
            RELEASED.complete(null);
        }

        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            ExchangeContext exchange = phase.exchange();
            SEEN.computeIfAbsent(exchange.pipeline() + " " + exchange.authority().orElse("") + " " + exchange.path().orElse(""),
                    k -> new CopyOnWriteArrayList<>()).add(exchange.warmUp());
            return Outcome.proceed();
        }

        @Override
        public Uni<Void> prepare() {
            return Uni.createFrom().completionStage(RELEASED);
        }
    }

    /** Keeps a value from the request phase for the response phase of the same exchange. */
    @ApplicationScoped
    @Identifier("state")
    public static class State implements Stage {
        static final ExchangeContext.Key<String> METHOD = ExchangeContext.Key.of("method", String.class);

        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            phase.exchange().put(METHOD, phase.exchange().method().orElse("?") + " " + phase.exchange().path().orElse("?"));
            return Outcome.proceed();
        }

        @Override
        public Uni<Outcome> onResponseHeaders(HeadersPhase phase) {
            phase.headers().set("x-state", phase.exchange().get(METHOD).orElse("missing"));
            phase.headers().append("x-order", "state");
            return Outcome.proceed();
        }
    }

    /** Records its position in the response order next to {@link State}. */
    @ApplicationScoped
    @Identifier("order-probe")
    public static class OrderProbe implements Stage {
        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            phase.headers().append("x-order", "order-probe");
            return Outcome.proceed();
        }

        @Override
        public Uni<Outcome> onResponseHeaders(HeadersPhase phase) {
            phase.headers().append("x-order", "order-probe");
            return Outcome.proceed();
        }
    }

    /**
     * Rewrites the path and asks Envoy to recompute the route; on the response path, where Envoy would ignore it, the
     * phase does not offer it.
     */
    @ApplicationScoped
    @Identifier("reroute")
    public static class Reroute implements Stage {
        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            phase.headers().set(":path", "/elsewhere");
            phase.clearRouteCache();
            return Outcome.proceed();
        }

        @Override
        public Uni<Outcome> onResponseHeaders(HeadersPhase phase) {
            phase.headers().set("x-rerouted", "yes");
            if (phase instanceof RequestHeadersPhase request) {
                request.clearRouteCache();
            }
            return Outcome.proceed();
        }
    }

    /** Makes every body longer, so that content-length must follow. */
    @ApplicationScoped
    @Identifier("grow-body")
    public static class GrowBody implements Stage {
        public static final String SUFFIX = "+grown-by-sluice";

        @Override
        public Uni<Outcome> onBody(BodyPhase phase) {
            if (phase.endOfStream()) {
                phase.replaceChunk(phase.chunk().concat(ByteString.copyFromUtf8(SUFFIX)));
            }
            return Outcome.proceed();
        }
    }

    /** Upper-cases request bodies only, so that the upstream's JSON answer reaches the client intact. */
    @ApplicationScoped
    @Identifier("upper-request-body")
    public static class UpperRequestBody implements Stage {
        @Override
        public Uni<Outcome> onRequestBody(BodyPhase phase) {
            phase.replaceChunk(ByteString.copyFromUtf8(phase.chunk().toStringUtf8().toUpperCase(Locale.ROOT)));
            return Outcome.proceed();
        }
    }

    /** Tags response trailers (e.g. a gRPC response's) and request trailers (echoing their {@code x-checksum}). */
    @ApplicationScoped
    @Identifier("trailer-tag")
    public static class TrailerTag implements Stage {
        @Override
        public Uni<Outcome> onRequestTrailers(io.sluice.stage.TrailersPhase phase) {
            phase.trailers().set("x-sluice-request-trailer", "seen x-checksum " + phase.trailers().get("x-checksum").orElse("?"));
            return Outcome.proceed();
        }

        @Override
        public Uni<Outcome> onResponseTrailers(io.sluice.stage.TrailersPhase phase) {
            phase.trailers().set("x-sluice-trailer", "seen grpc-status " + phase.trailers().get("grpc-status").orElse("?"));
            return Outcome.proceed();
        }
    }
}
