package io.sluice.contract;

import static io.sluice.stagetest.EnvoyMessages.first;
import static io.sluice.stagetest.EnvoyMessages.requestBody;
import static io.sluice.stagetest.EnvoyMessages.requestHeaders;
import static io.sluice.stagetest.EnvoyMessages.requestHeadersForPath;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.envoyproxy.envoy.extensions.filters.http.ext_proc.v3.ProcessingMode.BodySendMode;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse.ResponseCase;
import io.quarkus.test.junit.QuarkusTest;
import io.sluice.testing.ExtProcClient;
import io.sluice.testing.TestStages;

/**
 * Streams held back by backpressure on one HTTP/2 connection must not delay the other streams of that connection:
 * the bytes a held stream has sent and Sluice has not taken stay in its own stream window (grpc-java refills the
 * connection window as bytes arrive; measured here: four held 2 MiB uploads each filled their stream window while
 * the connection window stayed open). Were the connection's credit held too, a new exchange's headers message would
 * wait until the held streams were released.
 */
@QuarkusTest
class StreamIsolationTest extends ChannelSupport {

    private static final int HELD_STREAMS = 4;
    private static final int CHUNKS = 128;
    private static final ByteString CHUNK = ByteString.copyFrom(new byte[16 * 1024]);
    /** What "a few milliseconds" may become on a loaded 2-core CI machine; the stall it guards against lasts seconds. */
    private static final Duration BOUND = Duration.ofMillis(150);

    @AfterEach
    void release() {
        TestStages.HoldBody.releaseAll();
    }

    @Test
    void heldStreamsDoNotDelayOtherStreamsOnTheirConnection() throws InterruptedException {
        TestStages.HoldBody.hold();
        List<ExtProcClient> held = new ArrayList<>();
        for (int s = 0; s < HELD_STREAMS; s++) {
            ExtProcClient stream = stream();
            held.add(stream);
            stream.send(first(requestHeadersForPath("/hold", false), BodySendMode.STREAMED, BodySendMode.NONE));
            assertThat(stream.next().getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
            for (int i = 0; i < CHUNKS; i++) {
                stream.send(requestBody(CHUNK, i == CHUNKS - 1));
            }
        }
        // Let the held streams send all that flow control lets them.
        Thread.sleep(500);
        assertThat(held).allSatisfy(stream -> assertThat(stream.sawBackpressure() || !stream.isReady())
                .as("a held stream is pushed back").isTrue());

        long slowestNanos = 0;
        for (int i = 0; i < 50; i++) {
            try (ExtProcClient other = stream()) {
                long start = System.nanoTime();
                other.send(requestHeaders(true));
                assertThat(other.next(Duration.ofSeconds(10)).getResponseCase()).isEqualTo(ResponseCase.REQUEST_HEADERS);
                slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
                other.cancel();
            }
        }
        System.out.printf("StreamIsolationTest: slowest of 50 headers-only replies beside %d held uploads: %.1f ms%n",
                HELD_STREAMS, slowestNanos / 1e6);
        assertThat(Duration.ofNanos(slowestNanos)).as("slowest reply on the connection the held streams use")
                .isLessThan(BOUND);

        TestStages.HoldBody.releaseAll();
        for (ExtProcClient stream : held) {
            for (int i = 0; i < CHUNKS; i++) {
                assertThat(stream.next(Duration.ofSeconds(20)).getResponseCase()).isEqualTo(ResponseCase.REQUEST_BODY);
            }
            stream.cancel();
        }
    }
}
