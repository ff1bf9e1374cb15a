package io.sluice.transport.tls;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * What Sluice adds to Quarkus' own TLS keys for the gRPC port ({@code quarkus.grpc.server.ssl.certificate}, {@code .key},
 * {@code .client-auth}). Quarkus' {@code quarkus.grpc.server.ssl.trust-store} takes only JKS or PKCS12 files with a
 * password on the separate gRPC server, while a Kubernetes TLS Secret (cert-manager's included) holds the CA as a PEM
 * file, {@code ca.crt}: hence a PEM trust key of Sluice's own.
 */
@ConfigMapping(prefix = "sluice.tls")
public interface TlsConfig {

    String CLIENT_CA = "sluice.tls.client-ca";

    /**
     * PEM file with the CA certificate(s) that clients' certificates must chain to, for mTLS together with
     * {@code quarkus.grpc.server.ssl.client-auth=REQUIRED}. Mounted from the Secret as {@code ca.crt}.
     */
    Optional<Path> clientCa();
}
