package io.sluice.contract;

import static io.sluice.stagetest.EnvoyMessages.header;
import static io.sluice.stagetest.EnvoyMessages.requestHeadersForPath;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.sluice.testing.ExtProcClient;

/**
 * Connections spread over {@code sluice.transport.event-loops} threads, one per processor by default (Quarkus alone
 * served every connection on one event loop).
 */
@QuarkusTest
class EventLoopsTest {

    @ConfigProperty(name = "sluice.transport.event-loops")
    int eventLoops;

    @Test
    void defaultIsOneEventLoopPerProcessor() {
        assertThat(eventLoops).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void connectionsSpreadOverTheEventLoops() throws InterruptedException {
        Set<String> threads = new HashSet<>();
        for (int c = 0; c < 4 * eventLoops; c++) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", ChannelSupport.grpcPort()).usePlaintext()
                    .build();
            try (ExtProcClient stream = ExtProcClient.open(channel)) {
                stream.send(requestHeadersForPath("/thread", true));
                ProcessingResponse reply = stream.next();
                threads.add(header(reply.getRequestHeaders().getResponse().getHeaderMutation(), "x-sluice-thread"));
                stream.cancel();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        assertThat(threads).as("threads that served %d connections", 4 * eventLoops).hasSize(eventLoops)
                .allSatisfy(name -> assertThat(name).startsWith("sluice-grpc-"));
    }
}
