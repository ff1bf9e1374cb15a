package io.sluice.e2e;

import static io.sluice.e2e.PackagedEnvoys.through;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.nullValue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.StatusRuntimeException;
import io.sluice.testing.EnvoyLauncher;
import io.sluice.testing.GrpcTestChannel;
import io.sluice.testing.Packaged;
import io.sluice.testing.SluiceProcess;
import io.sluice.testing.TestPki;

/**
 * mTLS: Sluice (the packaged jar) requires a client certificate issued by the CA of {@code sluice.tls.client-ca}. Envoy
 * with such a certificate is served; Envoy without one, or with one from another CA, is refused.
 */
@Packaged
class MutualTlsE2eIT {

    static TestPki pki;
    static SluiceProcess sluice;
    static PackagedEnvoys envoys;

    @BeforeAll
    static void start() {
        pki = TestPki.create(Path.of("target", "mtls-e2e", "pki").toAbsolutePath());
        sluice = SluiceProcess.start("mtls", List.of(), Map.of(
                "quarkus.grpc.server.ssl.certificate", pki.server().certificate().toString(),
                "quarkus.grpc.server.ssl.key", pki.server().key().toString(),
                "quarkus.grpc.server.ssl.client-auth", "REQUIRED",
                "sluice.tls.client-ca", pki.caCertificate().toString()));
        try (GrpcTestChannel channel = GrpcTestChannel.tls(sluice.grpcPort(), pki.caCertificate(), TestPki.SERVER_NAME, pki.client())) {
            assertThat(channel.exchangeRequestHeaders().hasRequestHeaders()).isTrue();
        }
        envoys = new PackagedEnvoys();
    }

    @AfterAll
    static void stop() {
        if (envoys != null) {
            envoys.close();
        }
        if (sluice != null) {
            sluice.close();
        }
    }

    static EnvoyLauncher envoyWith(String name, TestPki.Pair clientCertificate) {
        String certificates = clientCertificate == null ? "[]"
                : "[{certificate_chain: {filename: " + clientCertificate.certificate() + "}, private_key: {filename: "
                        + clientCertificate.key() + "}}]";
        return envoys.start(name, "eg-task-tls", Map.of(
                "SLUICE_GRPC_PORT", Integer.toString(sluice.grpcPort()),
                "TLS_SNI", TestPki.SERVER_NAME,
                "TLS_SAN", TestPki.SERVER_NAME,
                "TLS_CA_FILE", pki.caCertificate().toString(),
                "TLS_CLIENT_CERTIFICATES", certificates));
    }

    @Test
    void envoyWithAClientCertificateFromTheTrustedCaIsServed() {
        EnvoyLauncher envoy = envoyWith("mtls-client-cert", pki.client());
        through(envoy).get("/myapp").then()
                .statusCode(200)
                .header("x-response-ext-processed", "true")
                .body("headers.X-Request-Ext-Processed", contains("true"));
        assertThat(envoy.counter("cluster.ext_proc.ssl.handshake")).isPositive();
    }

    @Test
    void envoyWithoutAClientCertificateIsRefused() {
        EnvoyLauncher envoy = envoyWith("mtls-no-client-cert", null);
        through(envoy).get("/myapp").then()
                .statusCode(500)
                .header("x-response-ext-processed", nullValue());
        assertThat(PackagedEnvoys.extProcCounter(envoy, "streams_failed")).isPositive();
    }

    @Test
    void envoyWithAClientCertificateFromAnotherCaIsRefused() {
        EnvoyLauncher envoy = envoyWith("mtls-rogue-client-cert", pki.rogueClient());
        through(envoy).get("/myapp").then()
                .statusCode(500)
                .header("x-response-ext-processed", nullValue());
        assertThat(PackagedEnvoys.extProcCounter(envoy, "streams_failed")).isPositive();
    }

    /**
     * The warm-up client presents the server's own certificate; {@link TestPki#server()} is for servers only (as
     * cert-manager issues by default), so the port refuses it, and Sluice says so in one line and turns ready anyway.
     */
    @Test
    void aServerOnlyCertificateCannotWarmUpAndSaysWhy() {
        assertThat(sluice.log().lines().filter(line -> line.contains("refused the warm-up client's TLS handshake")))
                .singleElement().asString()
                .contains("quarkus.grpc.server.ssl.client-auth=REQUIRED", "sluice.tls.client-ca", "turning ready");
        assertThat(sluice.log()).doesNotContain("Warm-up: warm after");
    }

    /** With a certificate the mTLS CA issued for both ends, the warm-up passes the port like Envoy does. */
    @Test
    void aCertificateForBothEndsWarmsUpThroughMutualTls() {
        try (SluiceProcess dual = SluiceProcess.start("mtls-dual", List.of(), Map.of(
                "quarkus.grpc.server.ssl.certificate", pki.serverAndClient().certificate().toString(),
                "quarkus.grpc.server.ssl.key", pki.serverAndClient().key().toString(),
                "quarkus.grpc.server.ssl.client-auth", "REQUIRED",
                "sluice.tls.client-ca", pki.caCertificate().toString()))) {
            assertThat(dual.log()).contains("Warm-up: warm after").doesNotContain("refused the warm-up client");
        }
    }

    @Test
    void grpcClientsNeedTheClientCertificateToo() {
        try (GrpcTestChannel withCertificate = GrpcTestChannel.tls(sluice.grpcPort(), pki.caCertificate(),
                TestPki.SERVER_NAME, pki.client())) {
            assertThat(withCertificate.health(GrpcTestChannel.EXT_PROC_SERVICE)).isEqualTo(ServingStatus.SERVING);
        }
        try (GrpcTestChannel without = GrpcTestChannel.tls(sluice.grpcPort(), pki.caCertificate(), TestPki.SERVER_NAME, null)) {
            assertThatThrownBy(() -> without.health(GrpcTestChannel.EXT_PROC_SERVICE)).isInstanceOf(StatusRuntimeException.class);
        }
    }
}
