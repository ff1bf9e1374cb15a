package io.sluice.contract;

import static io.sluice.stagetest.EnvoyMessages.header;
import static io.sluice.stagetest.EnvoyMessages.headerMap;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.sluice.testing.EnrichmentServer;
import io.sluice.testing.EnrichmentServerResource;
import io.sluice.testing.ExtProcClient;

/**
 * 1,000 concurrent exchanges against a 50 ms enrichment service: all are enriched; the service sees exactly as many
 * calls at once as the bulkhead allows, so the run takes about 1,000 / bulkhead x 50 ms; the JVM's thread count does
 * not grow with the calls in flight (none waits on a thread); and Envoy's timer is extended first because a call
 * queued in the bulkhead may outlast it.
 */
@QuarkusTest
@TestProfile(EnrichmentLoadTest.LongCalls.class)
@QuarkusTestResource(EnrichmentServerResource.class)
class EnrichmentLoadTest extends ChannelSupport {

    static final int EXCHANGES = 1000;
    /** Small enough that the bulkhead, not this 2-core machine's CPU, is what limits the rate (640 calls/s). */
    static final int BULKHEAD = 32;

    /** Calls wait in the bulkhead queue for ~1.6 s or more on a loaded machine: they get 10 s, and Envoy is told so. */
    public static class LongCalls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "sluice.stage.enrichment.timeout", "10s",
                    "sluice.exchange.max-message-timeout", "20s",
                    "sluice.stage.enrichment.bulkhead.max-concurrent", Integer.toString(BULKHEAD),
                    "sluice.stage.enrichment.cache.enabled", "false",
                    // All 1,000 exchanges at once, on the one connection of this client: above a 512 MiB pod's
                    // defaults (640), which this test's JVM has the memory for.
                    "sluice.transport.max-concurrent-streams", "2000",
                    "sluice.overload.max-exchanges", "2000");
        }
    }

    @Test
    void thousandConcurrentExchangesAreLimitedByTheBulkheadNotByThreads() {
        EnrichmentServer server = EnrichmentServer.current();
        run("warm-up", 200);
        server.resetConcurrency();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int threadsBefore = threads.getThreadCount();
        threads.resetPeakThreadCount();
        long start = System.nanoTime();
        run("load", EXCHANGES);
        double seconds = (System.nanoTime() - start) / 1e9;
        int extraThreads = threads.getPeakThreadCount() - threadsBefore;
        System.out.printf("enrichment load: %d exchanges in %.2f s (%.0f/s; bulkhead %d x 20/s = %d/s), at most %d calls "
                + "in flight, %d threads more at peak%n", EXCHANGES, seconds, EXCHANGES / seconds, BULKHEAD, BULKHEAD * 20,
                server.maxInFlight(), extraThreads);
        assertThat(server.maxInFlight()).isEqualTo(BULKHEAD);
        // At most BULKHEAD calls at a time, 50 ms each.
        assertThat(seconds).isGreaterThanOrEqualTo(0.9 * EXCHANGES / BULKHEAD * 0.050);
        assertThat(extraThreads).as("calls in flight hold no threads").isLessThan(BULKHEAD);
    }

    void run(String name, int exchanges) {
        List<ExtProcClient> streams = new ArrayList<>();
        try {
            for (int i = 0; i < exchanges; i++) {
                ExtProcClient s = stream();
                streams.add(s);
                s.send(ProcessingRequest.newBuilder().setRequestHeaders(HttpHeaders.newBuilder().setEndOfStream(true)
                        .setHeaders(headerMap(":method", "GET", ":path", "/enrich-wait50/" + name + "-" + i, ":authority",
                                "www.example.com")))
                        .build());
            }
            for (ExtProcClient s : streams) {
                ProcessingResponse extension = s.next(Duration.ofSeconds(30));
                assertThat(extension.hasOverrideMessageTimeout()).as("the timer extension comes first, alone").isTrue();
                assertThat(extension.getOverrideMessageTimeout().getSeconds()).isEqualTo(10);
                assertThat(extension.hasRequestHeaders()).isFalse();
                ProcessingResponse reply = s.next(Duration.ofSeconds(30));
                assertThat(header(reply.getRequestHeaders().getResponse().getHeaderMutation(), "x-enrichment-tenant"))
                        .isEqualTo("acme");
            }
        } finally {
            streams.forEach(ExtProcClient::close);
        }
    }
}
