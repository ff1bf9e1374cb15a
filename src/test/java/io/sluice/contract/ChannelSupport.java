package io.sluice.contract;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** The value of {@code name{...label...}} in {@code /q/metrics}. */
    static double metric(String name, String label) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*" + Pattern.quote(label) + "[^}]*} (\\S+)$").matcher(body);
        assertThat(m.find()).as(name + "{" + label + "} in /q/metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    ExtProcClient stream() {
        return ExtProcClient.open(channel);
    }
}
