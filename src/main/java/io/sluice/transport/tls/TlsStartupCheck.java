package io.sluice.transport.tls;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.ConfigProvider;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;
import io.vertx.core.Vertx;

/**
 * Fails start-up on a TLS file problem of the gRPC port (see {@link GrpcTlsFiles}). Quarkus starts the gRPC server
 * before start-up observers run and only logs when that fails, so without this Sluice would run, healthy over HTTP,
 * with no ext_proc port at all.
 */
@Startup(Integer.MIN_VALUE)
@ApplicationScoped
public class TlsStartupCheck {

    private static final Logger LOG = Logger.getLogger(TlsStartupCheck.class);

    private final TlsConfig tls;
    private final Vertx vertx;

    public TlsStartupCheck(TlsConfig tls, Vertx vertx) {
        this.tls = tls;
        this.vertx = vertx;
    }

    @PostConstruct
    void check() {
        // Quarkus' own start-up line says "[TLS enabled: false]" for the separate server even when TLS is on.
        GrpcTlsFiles.check(ConfigProvider.getConfig(), tls, vertx).summary().ifPresent(LOG::info);
    }
}
