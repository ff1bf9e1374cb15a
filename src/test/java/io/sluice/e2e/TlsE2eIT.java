package io.sluice.e2e;

import static io.sluice.e2e.PackagedEnvoys.throughEnvoyGateway;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.sluice.testing.EnvoyLauncher;
import io.sluice.testing.GrpcTestChannel;
import io.sluice.testing.Packaged;
import io.sluice.testing.SluiceProcess;
import io.sluice.testing.TestPki;

/**
 * TLS on the gRPC port in the packaged jar, configured exactly as the generated Deployment configures it: its
 * environment variables, with the Secret's mount path pointing at a PKI generated for the run (same file names). A real
 * Envoy on what Envoy Gateway renders for the shipped BackendTLSPolicy (SNI and SAN {@code grpc-ext-proc.envoygateway},
 * the CA of its ConfigMap, here the run's) reaches Sluice, an Envoy whose policy names another host is refused, and a
 * plaintext client gets nothing from the TLS port.
 */
@Packaged
class TlsE2eIT {

    static TestPki pki;
    static SluiceProcess sluice;
    static PackagedEnvoys envoys;

    @BeforeAll
    static void start() {
        pki = TestPki.create(Path.of("target", "tls-e2e", "pki").toAbsolutePath());
        Map<String, String> environment = GeneratedDeployment.read().tlsEnvironment(pki.caCertificate().getParent());
        assertThat(environment).isNotEmpty();
        sluice = SluiceProcess.start("tls", List.of(), Map.of(), environment);
        assertThat(sluice.log()).as("the warm-up client got through TLS, trusting the server's own certificate")
                .contains("Warm-up: warm after");
        try (GrpcTestChannel channel = GrpcTestChannel.tls(sluice.grpcPort(), pki.caCertificate(), TestPki.SERVER_NAME, null)) {
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

    /** The cluster Envoy Gateway names after the separate-Service policy's first backend. */
    static final String EXT_PROC_CLUSTER = "cluster.envoyextensionpolicy/default/ext-proc-example/extproc/0";

    /**
     * An Envoy on what Envoy Gateway renders for the TLS pattern, its ConfigMap holding the run's CA and its
     * BackendTLSPolicy's hostname {@code hostname}.
     */
    static EnvoyLauncher envoyExpecting(String name, String hostname) throws IOException {
        return envoys.startRendered("eg-rendered-" + name, EnvoyGatewayPattern.separateServiceTls()
                .withCaBundle(Files.readString(pki.caCertificate())).withTlsHostname(hostname), "127.0.0.1:" + sluice.grpcPort());
    }

    @Test
    void envoyVerifiesSluicesCertificateAndTheTasksCurlShowsBothTags() throws IOException {
        EnvoyLauncher envoy = envoyExpecting("tls-verified", TestPki.SERVER_NAME);
        throughEnvoyGateway(envoy).get("/myapp").then()
                .statusCode(200)
                .header("x-response-ext-processed", "true")
                .body("path", equalTo("/myapp"))
                .body("headers.X-Request-Ext-Processed", contains("true"));
        assertThat(envoy.counter(EXT_PROC_CLUSTER + ".ssl.handshake")).as("TLS handshakes to Sluice").isPositive();
        assertThat(envoy.counter(EXT_PROC_CLUSTER + ".ssl.fail_verify_san")).isZero();
    }

    @Test
    void envoyExpectingAnotherNameRefusesSluice() throws IOException {
        EnvoyLauncher envoy = envoyExpecting("tls-other-name", "grpc-ext-proc.other-namespace");
        // failure_mode_allow: false, as in the task: no processor, no request. 500 when the failed handshake ends the
        // stream first, 504 when Envoy Gateway's 200 ms message timer does, on a loaded machine.
        throughEnvoyGateway(envoy).get("/myapp").then()
                .statusCode(anyOf(is(500), is(504)))
                .header("x-response-ext-processed", nullValue());
        PackagedEnvoys.awaitPositive(envoy, EXT_PROC_CLUSTER + ".ssl.fail_verify_san");
        assertThat(envoy.counter(EXT_PROC_CLUSTER + ".ssl.handshake")).isZero();
    }

    @Test
    void aPlaintextClientIsRefusedWhereATlsClientIsServed() {
        try (GrpcTestChannel tls = GrpcTestChannel.tls(sluice.grpcPort(), pki.caCertificate(), TestPki.SERVER_NAME, null)) {
            assertThat(tls.health(GrpcTestChannel.EXT_PROC_SERVICE)).isEqualTo(ServingStatus.SERVING);
        }
        try (GrpcTestChannel plaintext = GrpcTestChannel.plaintext(sluice.grpcPort())) {
            assertThatThrownBy(() -> plaintext.health(GrpcTestChannel.EXT_PROC_SERVICE))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }
}
