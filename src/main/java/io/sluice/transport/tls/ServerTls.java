package io.sluice.transport.tls;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Locale;
import java.util.Optional;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.microprofile.config.Config;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The gRPC port's TLS context, from Quarkus' own keys ({@code quarkus.grpc.server.ssl.certificate}, {@code .key},
 * {@code .client-auth}, {@code .trust-store}) and Sluice's PEM client CA ({@code sluice.tls.client-ca}), for the
 * grpc-java listener that serves them. Built only after {@link GrpcTlsFiles} has checked every file, with the same Vert.x
 * PEM loaders, so whatever passed there loads here; ALPN offers {@code h2} as Envoy's gRPC client expects.
 */
public final class ServerTls {

    static final String TRUST_STORE_PASSWORD = "quarkus.grpc.server.ssl.trust-store-password";
    static final String TRUST_STORE_TYPE = "quarkus.grpc.server.ssl.trust-store-file-type";

    private ServerTls() {
    }

    /** Empty when TLS is off (no certificate configured). */
    public static Optional<SslContext> context(Config config, GrpcTlsFiles files, Vertx vertx) {
        Optional<String> certificate = config.getOptionalValue(GrpcTlsFiles.CERTIFICATE, String.class);
        if (certificate.isEmpty()) {
            return Optional.empty();
        }
        String key = config.getValue(GrpcTlsFiles.KEY, String.class);
        try {
            KeyManagerFactory keys = new PemKeyCertOptions().setCertPath(certificate.get()).setKeyPath(key)
                    .getKeyManagerFactory(vertx);
            SslContextBuilder builder = SslContextBuilder.forServer(keys);
            Optional<TrustManagerFactory> trust = files.clientCa().isPresent()
                    ? Optional.of(new PemTrustOptions().addCertValue(files.clientCa().get()).getTrustManagerFactory(vertx))
                    : trustStore(config);
            trust.ifPresent(builder::trustManager);
            builder.clientAuth(clientAuth(config));
            return Optional.of(GrpcSslContexts.configure(builder).build());
        } catch (ConfigurationException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigurationException("cannot build the gRPC port's TLS context from " + GrpcTlsFiles.CERTIFICATE
                    + "=" + certificate.get() + " and " + GrpcTlsFiles.KEY + "=" + key + " (" + e.getMessage() + ")", e);
        }
    }

    private static ClientAuth clientAuth(Config config) {
        String value = config.getOptionalValue(GrpcTlsFiles.CLIENT_AUTH, String.class).orElse("NONE")
                .toUpperCase(Locale.ROOT);
        return switch (value) {
            case "NONE" -> ClientAuth.NONE;
            case "REQUEST" -> ClientAuth.OPTIONAL;
            case "REQUIRED" -> ClientAuth.REQUIRE;
            default -> throw new ConfigurationException(GrpcTlsFiles.CLIENT_AUTH + "=" + value
                    + " is not one of NONE, REQUEST, REQUIRED");
        };
    }

    /** Quarkus' JKS or PKCS12 trust store, for those who configured one instead of {@code sluice.tls.client-ca}. */
    private static Optional<TrustManagerFactory> trustStore(Config config) throws Exception {
        Optional<Path> path = config.getOptionalValue(GrpcTlsFiles.TRUST_STORE, Path.class);
        if (path.isEmpty()) {
            return Optional.empty();
        }
        String type = config.getOptionalValue(TRUST_STORE_TYPE, String.class).orElseGet(
                () -> path.get().toString().toLowerCase(Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12");
        char[] password = config.getOptionalValue(TRUST_STORE_PASSWORD, String.class).map(String::toCharArray)
                .orElse(null);
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path.get())) {
            store.load(in, password);
        } catch (Exception e) {
            throw new ConfigurationException(GrpcTlsFiles.TRUST_STORE + "=" + path.get() + ": cannot be read as " + type
                    + " (" + e.getMessage() + ")", e);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return Optional.of(factory);
    }
}
