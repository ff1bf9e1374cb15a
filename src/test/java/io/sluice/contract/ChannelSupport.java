package io.sluice.contract;

import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.sluice.testing.ExtProcClient;

/** A plaintext HTTP/2 channel to the Sluice under test, like Envoy's ext_proc cluster. */
abstract class ChannelSupport {

    ManagedChannel channel;

    static int grpcPort() {
        return ConfigProvider.getConfig().getValue("quarkus.grpc.server.test-port", Integer.class);
    }

    @BeforeEach
    void openChannel() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort()).usePlaintext().build();
    }

    @AfterEach
    void closeChannel() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    ExtProcClient stream() {
        return ExtProcClient.open(channel);
    }
}
