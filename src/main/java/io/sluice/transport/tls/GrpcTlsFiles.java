package io.sluice.transport.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Date;
import java.util.Locale;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.impl.KeyStoreHelper;

/**
 * The gRPC port's TLS files, read and checked before the port serves: a missing or unreadable file, a file that holds
 * no PEM certificate or key, a key that does not belong to its certificate, or mTLS without a CA. Without these checks
 * Quarkus logs "Unable to start the gRPC server" and runs on without a gRPC port, or the mistake shows up only at the
 * first handshake. Every message names the property and the file.
 * <p>
 * The PEM files are parsed with the same Vert.x code that the gRPC server uses, so that whatever passes here loads
 * there (PKCS#8, PKCS#1 RSA and SEC1 EC keys).
 */
public final class GrpcTlsFiles {

    public static final String CERTIFICATE = "quarkus.grpc.server.ssl.certificate";
    public static final String KEY = "quarkus.grpc.server.ssl.key";
    public static final String TRUST_STORE = "quarkus.grpc.server.ssl.trust-store";
    public static final String CLIENT_AUTH = "quarkus.grpc.server.ssl.client-auth";

    private static final Logger LOG = Logger.getLogger(GrpcTlsFiles.class);

    private final Optional<Buffer> clientCa;
    private final Optional<String> summary;

    private GrpcTlsFiles(Optional<Buffer> clientCa, Optional<String> summary) {
        this.clientCa = clientCa;
        this.summary = summary;
    }

    /** What the gRPC port serves, for the start-up log; empty when TLS is off. */
    public Optional<String> summary() {
        return summary;
    }

    /** The PEM CA bundle of {@code sluice.tls.client-ca}, already checked. */
    public Optional<Buffer> clientCa() {
        return clientCa;
    }

    /** Reads and checks every configured file; throws a {@link ConfigurationException} on the first problem. */
    public static GrpcTlsFiles check(Config config, TlsConfig tls, Vertx vertx) {
        Optional<Path> certificate = config.getOptionalValue(CERTIFICATE, Path.class);
        Optional<Path> key = config.getOptionalValue(KEY, Path.class);
        if (certificate.isPresent() != key.isPresent()) {
            String set = certificate.isPresent() ? CERTIFICATE : KEY;
            String missing = certificate.isPresent() ? KEY : CERTIFICATE;
            throw new ConfigurationException(set + " is set but " + missing + " is not: TLS on the gRPC port needs both");
        }
        Optional<X509Certificate> leaf = certificate.map(c -> checkKeyPair(c, key.get(), vertx));

        Optional<Buffer> clientCa = tls.clientCa().map(path -> {
            Buffer pem = Buffer.buffer(read(TlsConfig.CLIENT_CA, path));
            loadCertificates(TlsConfig.CLIENT_CA, path, pem, vertx);
            return pem;
        });
        if (clientCa.isPresent() && certificate.isEmpty()) {
            throw new ConfigurationException(TlsConfig.CLIENT_CA + " is set but " + CERTIFICATE + " is not: client "
                    + "certificates are only asked for over TLS");
        }
        boolean trustStore = config.getOptionalValue(TRUST_STORE, String.class).isPresent();
        if (clientCa.isPresent() && trustStore) {
            throw new ConfigurationException("both " + TlsConfig.CLIENT_CA + " and " + TRUST_STORE
                    + " are set: choose one source of trusted client CAs");
        }
        String clientAuth = config.getOptionalValue(CLIENT_AUTH, String.class).orElse("NONE").toUpperCase(Locale.ROOT);
        if (!clientAuth.equals("NONE") && certificate.isPresent() && clientCa.isEmpty() && !trustStore) {
            // Without a trust source the JDK's default CAs would decide which client certificates pass.
            throw new ConfigurationException(CLIENT_AUTH + "=" + clientAuth + " needs the CA that issues client "
                    + "certificates: set " + TlsConfig.CLIENT_CA + " (PEM, e.g. the Secret's ca.crt)");
        }
        Optional<String> summary = leaf.map(c -> "TLS on the gRPC port: " + CERTIFICATE + "=" + certificate.get() + " ("
                + c.getSubjectX500Principal().getName() + ", names " + subjectAltNames(c) + ", valid until "
                + c.getNotAfter().toInstant() + "); client certificates " + clientAuth
                + tls.clientCa().map(ca -> ", trusted CA " + TlsConfig.CLIENT_CA + "=" + ca).orElse(""));
        return new GrpcTlsFiles(clientCa, summary);
    }

    private static String subjectAltNames(X509Certificate certificate) {
        try {
            var names = certificate.getSubjectAlternativeNames();
            return names == null ? "[]" : names.stream().map(n -> String.valueOf(n.get(1))).toList().toString();
        } catch (java.security.cert.CertificateParsingException e) {
            return "(unreadable)";
        }
    }

    private static X509Certificate checkKeyPair(Path certificatePath, Path keyPath, Vertx vertx) {
        Buffer certificatePem = Buffer.buffer(read(CERTIFICATE, certificatePath));
        Buffer keyPem = Buffer.buffer(read(KEY, keyPath));
        X509Certificate leaf = loadCertificates(CERTIFICATE, certificatePath, certificatePem, vertx);
        PrivateKey privateKey;
        try {
            KeyStore store = new PemKeyCertOptions().setCertValue(certificatePem).setKeyValue(keyPem).loadKeyStore(vertx);
            privateKey = firstKey(store);
        } catch (Exception e) {
            if (refusedAsPair(e)) {
                throw mismatch(certificatePath, keyPath, leaf, e);
            }
            throw new ConfigurationException(KEY + "=" + keyPath + ": not a PEM private key (" + e.getMessage() + ")", e);
        }
        if (!belongTogether(privateKey, leaf.getPublicKey())) {
            throw mismatch(certificatePath, keyPath, leaf, null);
        }
        Date now = new Date();
        if (now.after(leaf.getNotAfter()) || now.before(leaf.getNotBefore())) {
            LOG.warnf("%s=%s is outside its validity (%s to %s): clients will refuse it", CERTIFICATE, certificatePath,
                    leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant());
        }
        return leaf;
    }

    /**
     * The key parsed but could not be stored with the certificate: {@code KeyStore.PrivateKeyEntry} refuses a key of
     * another algorithm than the certificate's (an EC key for an RSA certificate, say).
     */
    private static boolean refusedAsPair(Exception e) {
        return e instanceof IllegalArgumentException && String.valueOf(e.getMessage()).contains("does not match");
    }

    private static ConfigurationException mismatch(Path certificatePath, Path keyPath, X509Certificate leaf, Exception cause) {
        return new ConfigurationException(KEY + "=" + keyPath + " does not match the certificate in " + CERTIFICATE + "="
                + certificatePath + " (" + leaf.getSubjectX500Principal().getName() + ")", cause);
    }

    private static byte[] read(String property, Path path) {
        if (!Files.exists(path)) {
            throw new ConfigurationException(property + "=" + path + ": no such file");
        }
        if (Files.isDirectory(path)) {
            throw new ConfigurationException(property + "=" + path + ": cannot be read, it is a directory");
        }
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new ConfigurationException(property + "=" + path + ": cannot be read (" + e + ")", e);
        }
    }

    /** The certificates of a PEM file (at least one), the first of them returned. */
    private static X509Certificate loadCertificates(String property, Path path, Buffer pem, Vertx vertx) {
        try {
            KeyStore store = new PemTrustOptions().addCertValue(pem).loadKeyStore(vertx);
            for (String alias : Collections.list(store.aliases())) {
                Certificate certificate = store.getCertificate(alias);
                if (certificate instanceof X509Certificate x509) {
                    return x509;
                }
            }
            throw new ConfigurationException(property + "=" + path + ": holds no PEM certificate");
        } catch (ConfigurationException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigurationException(property + "=" + path + ": not a PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    private static PrivateKey firstKey(KeyStore store) throws GeneralSecurityException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias)) {
                // Vert.x stores PEM keys under its own fixed password.
                return (PrivateKey) store.getKey(alias, KeyStoreHelper.DUMMY_PASSWORD.toCharArray());
            }
        }
        throw new GeneralSecurityException("no private key found");
    }

    /** Signs a challenge with the key and verifies it with the certificate's public key. */
    static boolean belongTogether(PrivateKey privateKey, PublicKey publicKey) {
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null) {
            // A key type without a signature check here: the first handshake will tell.
            return true;
        }
        if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return false;
        }
        try {
            byte[] challenge = "sluice-key-pair-check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
