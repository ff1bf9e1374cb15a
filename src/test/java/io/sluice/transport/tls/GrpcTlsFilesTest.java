package io.sluice.transport.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.sluice.testing.TestPki;
import io.vertx.core.Vertx;

/**
 * The start-up check of the gRPC port's TLS files, without a Quarkus application around it: the cases the
 * {@code io.sluice.config} start-up tests do not boot an application for.
 */
class GrpcTlsFilesTest {

    static TestPki pki;
    static Vertx vertx;

    @BeforeAll
    static void setUp() {
        pki = TestPki.create(Path.of("target", "test-pki", "tls-files").toAbsolutePath());
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void tearDown() {
        vertx.close();
    }

    static GrpcTlsFiles check(Map<String, String> properties) {
        Map<String, String> quarkus = new HashMap<>(properties);
        Optional<Path> clientCa = Optional.ofNullable(quarkus.remove(TlsConfig.CLIENT_CA)).map(Path::of);
        Config config = new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(quarkus, "test", 100)).build();
        return GrpcTlsFiles.check(config, () -> clientCa, vertx);
    }

    @Test
    void tlsOffNeedsNothing() {
        GrpcTlsFiles files = check(Map.of());
        assertThat(files.summary()).isEmpty();
        assertThat(files.clientCa()).isEmpty();
    }

    @Test
    void anRsaPkcs1KeyPairPassesAndIsSummarised() {
        GrpcTlsFiles files = check(Map.of(GrpcTlsFiles.CERTIFICATE, pki.server().certificate().toString(),
                GrpcTlsFiles.KEY, pki.server().key().toString()));
        assertThat(files.summary()).get().asString()
                .contains(TestPki.SERVER_NAME).contains("client certificates NONE");
    }

    @Test
    void anEcPkcs8KeyPairPasses() {
        assertThat(check(Map.of(GrpcTlsFiles.CERTIFICATE, pki.client().certificate().toString(),
                GrpcTlsFiles.KEY, pki.client().key().toString())).summary()).isPresent();
    }

    @Test
    void mtlsWithThePemCaPassesAndHandsTheCaOn() throws IOException {
        GrpcTlsFiles files = check(Map.of(GrpcTlsFiles.CERTIFICATE, pki.server().certificate().toString(),
                GrpcTlsFiles.KEY, pki.server().key().toString(), GrpcTlsFiles.CLIENT_AUTH, "required",
                TlsConfig.CLIENT_CA, pki.caCertificate().toString()));
        assertThat(files.clientCa()).get().extracting(Object::toString)
                .isEqualTo(Files.readString(pki.caCertificate()));
        assertThat(files.summary()).get().asString().contains("client certificates REQUIRED");
    }

    @Test
    void aKeyOfAnotherTypeThanTheCertificateDoesNotMatch() {
        assertThatThrownBy(() -> check(Map.of(GrpcTlsFiles.CERTIFICATE, pki.server().certificate().toString(),
                GrpcTlsFiles.KEY, pki.client().key().toString())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("does not match the certificate");
    }

    @Test
    void aCertificateFileWithoutACertificateIsRefusedNamingIt() {
        Path notPem = pki.caCertificate().resolveSibling("not-a-certificate.crt");
        writeQuietly(notPem, "this is not PEM\n");
        assertThatThrownBy(() -> check(Map.of(GrpcTlsFiles.CERTIFICATE, notPem.toString(),
                GrpcTlsFiles.KEY, pki.server().key().toString())))
                .hasMessageStartingWith(GrpcTlsFiles.CERTIFICATE + "=" + notPem + ": ");
    }

    @Test
    void aKeyFileHoldingACertificateIsRefusedNamingIt() {
        assertThatThrownBy(() -> check(Map.of(GrpcTlsFiles.CERTIFICATE, pki.server().certificate().toString(),
                GrpcTlsFiles.KEY, pki.caCertificate().toString())))
                .hasMessageStartingWith(GrpcTlsFiles.KEY + "=" + pki.caCertificate() + ": not a PEM private key");
    }

    @Test
    void aCertificateWithoutKeyIsRefusedNamingBothProperties() {
        assertThatThrownBy(() -> check(Map.of(GrpcTlsFiles.CERTIFICATE, pki.server().certificate().toString())))
                .hasMessage(GrpcTlsFiles.CERTIFICATE + " is set but " + GrpcTlsFiles.KEY
                        + " is not: TLS on the gRPC port needs both");
    }

    @Test
    void aClientCaWithoutTlsIsRefused() {
        assertThatThrownBy(() -> check(Map.of(TlsConfig.CLIENT_CA, pki.caCertificate().toString())))
                .hasMessageContaining(TlsConfig.CLIENT_CA + " is set but " + GrpcTlsFiles.CERTIFICATE + " is not");
    }

    @Test
    void twoSourcesOfClientCasAreRefused() {
        assertThatThrownBy(() -> check(Map.of(GrpcTlsFiles.CERTIFICATE, pki.server().certificate().toString(),
                GrpcTlsFiles.KEY, pki.server().key().toString(), GrpcTlsFiles.TRUST_STORE, "/some/truststore.p12",
                TlsConfig.CLIENT_CA, pki.caCertificate().toString())))
                .hasMessageContaining("both " + TlsConfig.CLIENT_CA + " and " + GrpcTlsFiles.TRUST_STORE);
    }

    private static void writeQuietly(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
