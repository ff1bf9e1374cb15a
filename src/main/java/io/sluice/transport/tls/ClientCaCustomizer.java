package io.sluice.transport.tls;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.grpc.VertxServerBuilder;

/**
 * Checks the TLS files before the gRPC port is built, and hands the PEM client CA of {@code sluice.tls.client-ca} to the
 * server. Quarkus calls customizers before it applies its own {@code quarkus.grpc.server.ssl.*} settings to the same
 * options, and leaves the trust options alone when no trust store is configured, so both end up in one TLS context:
 * Quarkus' certificate, key and client-auth, Sluice's CA.
 * <p>
 * Throwing here keeps the port from serving with a half-valid setup; Quarkus only logs that failure, so
 * {@link TlsStartupCheck} repeats the check to fail start-up.
 */
@ApplicationScoped
public class ClientCaCustomizer implements ServerBuilderCustomizer<VertxServerBuilder> {

    private final TlsConfig tls;
    private final Vertx vertx;

    public ClientCaCustomizer(TlsConfig tls, Vertx vertx) {
        this.tls = tls;
        this.vertx = vertx;
    }

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        GrpcTlsFiles files = GrpcTlsFiles.check(ConfigProvider.getConfig(), tls, vertx);
        files.clientCa().ifPresent(pem -> builder.useSsl(options -> options.setTrustOptions(new PemTrustOptions().addCertValue(pem))));
    }
}
