package io.sluice.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/**
 * Envoy resets its ext_proc stream at the end of every exchange. With grpc-java's Netty server that must
 * cost nothing: every request completes, and Envoy's ext_proc cluster keeps its one HTTP/2 connection.
 */
@QuarkusTest
class StreamChurnE2eTest extends EnvoyE2eSupport {

    @BeforeAll
    static void envoy() {
        startEnvoy("churn");
    }

    @Test
    void thousandSequentialThenTwoHundredConcurrentExchangesOnOneConnection() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://127.0.0.1:" + envoyPort() + "/myapp");
        for (int i = 0; i < 1000; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("sequential request %d", i).isEqualTo(200);
            assertThat(r.headers().firstValue("x-response-ext-processed")).contains("true");
        }
        List<CompletableFuture<HttpResponse<String>>> concurrent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            concurrent.add(client.sendAsync(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : concurrent) {
            HttpResponse<String> r = f.get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-response-ext-processed")).contains("true");
        }

        assertThat(extProcCounter("streams_started")).isGreaterThanOrEqualTo(1200);
        assertThat(extProcCounter("streams_failed")).isZero();
        assertThat(extProcCounter("spurious_msgs_received")).isZero();
        assertThat(extProcCounter("failure_mode_allowed")).isZero();
        // No connection churn: one connection, never reset by Sluice.
        assertThat(envoy.counter("cluster.ext_proc.upstream_cx_total")).isEqualTo(1);
        assertThat(envoy.counterOrZero("cluster.ext_proc.upstream_cx_destroy_remote")).isZero();
        assertThat(envoy.counterOrZero("cluster.ext_proc.upstream_cx_protocol_error")).isZero();
    }
}
