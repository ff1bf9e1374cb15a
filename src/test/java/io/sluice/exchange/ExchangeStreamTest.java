package io.sluice.exchange;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.responseHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import io.sluice.observability.ExchangeMetrics;
import io.sluice.pipeline.BoundStage;
import io.sluice.pipeline.PhaseRunner;
import io.sluice.pipeline.Pipeline;
import io.sluice.stage.BodyPhase;
import io.sluice.stage.Outcome;
import io.sluice.stage.RequestHeadersPhase;
import io.sluice.stage.Stage;
import io.sluice.stage.StagePolicy;

/**
 * The stream as an operator: replies in order whichever thread a stage answers on, no more requested of Envoy's side
 * than {@code max-in-flight}, nothing emitted beyond demand, and an outstanding stage cancelled with the stream.
 */
class ExchangeStreamTest {

    private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        later.shutdownNow();
    }

    /** Answers request headers at once, and each body chunk 5 ms later on another thread, tagging what it saw. */
    private final class LateBodies implements Stage {
        final AtomicInteger cancelled = new AtomicInteger();

        @Override
        public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
            phase.headers().set("x-seen", "headers");
            return Outcome.proceed();
        }

        @Override
        public Uni<Outcome> onRequestBody(BodyPhase phase) {
            String chunk = phase.chunk().toStringUtf8();
            return Uni.createFrom().<Outcome>emitter(e -> later.schedule(() -> {
                phase.replaceChunk(com.google.protobuf.ByteString.copyFromUtf8(chunk.toUpperCase()));
                e.complete(Outcome.Continue.INSTANCE);
            }, 5, TimeUnit.MILLISECONDS)).onCancellation().invoke(cancelled::incrementAndGet);
        }
    }

    private static Exchange exchange(Stage stage, int maxInFlight) {
        ExchangeMetrics metrics = new ExchangeMetrics(new SimpleMeterRegistry());
        Pipeline pipeline = new Pipeline("test", List.of(new BoundStage("late", stage, new StagePolicy(Duration.ofSeconds(5), StagePolicy.OnFailure.GRPC_ERROR, 500))));
        return new Exchange(1, context -> pipeline, new PhaseRunner(metrics), metrics, Integer.MAX_VALUE, maxInFlight,
                MessageTimeouts.ENVOY_DEFAULT, io.sluice.observability.ExchangeTrace.NONE, false);
    }

    private static List<ProcessingRequest> upload(int chunks) {
        List<ProcessingRequest> messages = new ArrayList<>();
        messages.add(first(requestHeaders(false), BodySendMode.STREAMED, BodySendMode.NONE));
        for (int i = 0; i < chunks; i++) {
            messages.add(requestBody("chunk" + i, i == chunks - 1));
        }
        messages.add(responseHeaders(true));
        return messages;
    }

    @Test
    void repliesKeepEnvoysOrderWhenStagesAnswerOnAnotherThread() {
        List<ProcessingResponse> replies = exchange(new LateBodies(), 8).process(Multi.createFrom().iterable(upload(20)))
                .collect().asList().await().atMost(Duration.ofSeconds(10));

        assertThat(replies).hasSize(22);
        assertThat(replies.get(0).hasRequestHeaders()).isTrue();
        for (int i = 0; i < 20; i++) {
            assertThat(replies.get(i + 1).getRequestBody().getResponse().getBodyMutation().getBody().toStringUtf8())
                    .isEqualTo("CHUNK" + i);
        }
        assertThat(replies.get(21).hasResponseHeaders()).isTrue();
    }

    @Test
    void neverAsksEnvoysSideForMoreThanMaxInFlightAheadOfWhatItAnswered() {
        AtomicLong requested = new AtomicLong();
        AtomicLong delivered = new AtomicLong();
        AtomicLong mostAhead = new AtomicLong();
        Exchange exchange = exchange(new LateBodies(), 3);
        Multi<ProcessingRequest> envoy = Multi.createFrom().iterable(upload(30))
                .onRequest().invoke(n -> mostAhead.accumulateAndGet(requested.addAndGet(n) - exchange.answeredMessages(),
                        Math::max))
                .onItem().invoke(delivered::incrementAndGet);

        List<ProcessingResponse> replies = exchange.process(envoy).collect().asList().await().atMost(Duration.ofSeconds(10));

        assertThat(replies).hasSize(32);
        // Three held, and the one being answered: requested is replenished as each message is taken.
        assertThat(mostAhead.get()).isBetween(3L, 4L);
    }

    @Test
    void emitsNoMoreThanDownstreamAsked() {
        AssertSubscriber<ProcessingResponse> downstream = AssertSubscriber.create(2);
        exchange(new LateBodies(), 8).process(Multi.createFrom().iterable(upload(5))).subscribe().withSubscriber(downstream);

        downstream.awaitItems(2, Duration.ofSeconds(5));
        assertThat(downstream.getItems()).hasSize(2);
        downstream.request(100).awaitCompletion(Duration.ofSeconds(5));
        assertThat(downstream.getItems()).hasSize(7);
    }

    @Test
    void aStageStillOutstandingIsCancelledWithTheStream() throws InterruptedException {
        CountDownLatch called = new CountDownLatch(1);
        List<String> events = new CopyOnWriteArrayList<>();
        Stage never = new Stage() {
            @Override
            public Uni<Outcome> onRequestHeaders(RequestHeadersPhase phase) {
                called.countDown();
                return Uni.createFrom().<Outcome>nothing().onCancellation().invoke(() -> events.add("cancelled"));
            }
        };
        AssertSubscriber<ProcessingResponse> downstream = AssertSubscriber.create(10);
        exchange(never, 8).process(Multi.createFrom().items(requestHeaders(true))).subscribe().withSubscriber(downstream);

        assertThat(called.await(5, TimeUnit.SECONDS)).isTrue();
        downstream.cancel();
        assertThat(events).containsExactly("cancelled");
        assertThat(downstream.getItems()).isEmpty();
    }
}
