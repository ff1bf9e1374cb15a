package io.sluice.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for the TLS tests, generated when a test starts (no private key is committed): a CA, Sluice's server
 * certificate for the name Envoy Gateway's BackendTLSPolicy checks ({@code grpc-ext-proc.envoygateway}, plus
 * {@code localhost} and {@code 127.0.0.1}), a client certificate for Envoy, and a second, unrelated CA with its own
 * client certificate for the "wrong issuer" cases.
 * <p>
 * The server key is RSA in PKCS#1 form ({@code BEGIN RSA PRIVATE KEY}, what cert-manager writes by default), the
 * others EC P-256 in PKCS#8, so both key formats that Kubernetes Secrets commonly hold are exercised.
 */
public final class TestPki {

    public static final String SERVER_NAME = "grpc-ext-proc.envoygateway";

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** Files of one certificate and its key. */
    public record Pair(Path certificate, Path key) {
    }

    private final Path caCertificate;
    private final Pair server;
    private final Pair client;
    private final Pair otherServerKeyPair;
    private final Path rogueCaCertificate;
    private final Pair rogueClient;
    private final Pair serverAndClient;

    private TestPki(Path caCertificate, Pair server, Pair client, Pair otherServerKeyPair, Path rogueCaCertificate,
            Pair rogueClient, Pair serverAndClient) {
        this.caCertificate = caCertificate;
        this.server = server;
        this.client = client;
        this.otherServerKeyPair = otherServerKeyPair;
        this.rogueCaCertificate = rogueCaCertificate;
        this.rogueClient = rogueClient;
        this.serverAndClient = serverAndClient;
    }

    /** Writes every file under {@code dir} (created if needed). */
    public static TestPki create(Path dir) {
        try {
            Files.createDirectories(dir);
            Issuer ca = Issuer.selfSigned("Sluice test CA", ec());
            Issuer rogue = Issuer.selfSigned("Rogue test CA", ec());
            Path caFile = write(dir.resolve("ca.crt"), pem(ca.certificate));
            Path rogueFile = write(dir.resolve("rogue-ca.crt"), pem(rogue.certificate));

            KeyPair serverKeys = rsa();
            X509Certificate serverCert = ca.issue("Sluice", serverKeys, KeyPurposeId.id_kp_serverAuth,
                    new GeneralName(GeneralName.dNSName, SERVER_NAME),
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            Pair server = new Pair(write(dir.resolve("tls.crt"), pem(serverCert)),
                    write(dir.resolve("tls.key"), pem(serverKeys.getPrivate())));

            KeyPair clientKeys = ec();
            Pair client = new Pair(
                    write(dir.resolve("client.crt"), pem(ca.issue("envoy", clientKeys, KeyPurposeId.id_kp_clientAuth,
                            new GeneralName(GeneralName.dNSName, "envoy")))),
                    write(dir.resolve("client.key"), pkcs8(clientKeys)));

            // Same subject and names as the server certificate, another key: what a mixed-up Secret looks like.
            KeyPair otherKeys = rsa();
            Pair other = new Pair(write(dir.resolve("other.crt"), pem(ca.issue("Sluice", otherKeys,
                    KeyPurposeId.id_kp_serverAuth, new GeneralName(GeneralName.dNSName, SERVER_NAME)))),
                    write(dir.resolve("other.key"), pem(otherKeys.getPrivate())));

            KeyPair rogueClientKeys = ec();
            Pair rogueClient = new Pair(
                    write(dir.resolve("rogue-client.crt"), pem(rogue.issue("envoy", rogueClientKeys,
                            KeyPurposeId.id_kp_clientAuth, new GeneralName(GeneralName.dNSName, "envoy")))),
                    write(dir.resolve("rogue-client.key"), pkcs8(rogueClientKeys)));
            // The server's names and key type, usable for both ends of a handshake, as a CA issues it when asked for
            // "server auth" and "client auth" usages (cert-manager: spec.usages).
            KeyPair dualKeys = rsa();
            Pair serverAndClient = new Pair(write(dir.resolve("dual.crt"), pem(ca.issue("Sluice", dualKeys,
                    new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth},
                    new GeneralName(GeneralName.dNSName, SERVER_NAME),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")))),
                    write(dir.resolve("dual.key"), pem(dualKeys.getPrivate())));
            return new TestPki(caFile, server, client, other, rogueFile, rogueClient, serverAndClient);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate the test PKI", e);
        }
    }

    public Path caCertificate() {
        return caCertificate;
    }

    /** Sluice's certificate ({@code tls.crt}) and key ({@code tls.key}). */
    public Pair server() {
        return server;
    }

    /** Envoy's client certificate, issued by {@link #caCertificate()}. */
    public Pair client() {
        return client;
    }

    /** A second server certificate and key from the same CA: its key does not match {@link #server()}'s certificate. */
    public Pair otherServer() {
        return otherServerKeyPair;
    }

    public Path rogueCaCertificate() {
        return rogueCaCertificate;
    }

    /** A client certificate issued by {@link #rogueCaCertificate()}, which Sluice does not trust. */
    public Pair rogueClient() {
        return rogueClient;
    }

    /**
     * A server certificate (same CA, same names as {@link #server()}) that may also authenticate a client: what Sluice's
     * own warm-up client needs to pass an mTLS port. {@link #server()} is for servers only, as cert-manager issues by
     * default.
     */
    public Pair serverAndClient() {
        return serverAndClient;
    }

    private record Issuer(X500Name name, KeyPair keys, X509Certificate certificate) {

        static Issuer selfSigned(String commonName, KeyPair keys) throws GeneralSecurityException, IOException,
                OperatorCreationException {
            X500Name name = new X500Name("CN=" + commonName + ",O=Sluice tests");
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(name, name, keys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
            return new Issuer(name, keys, sign(builder, keys));
        }

        X509Certificate issue(String commonName, KeyPair subjectKeys, KeyPurposeId purpose, GeneralName... names)
                throws GeneralSecurityException, IOException, OperatorCreationException {
            return issue(commonName, subjectKeys, new KeyPurposeId[] {purpose}, names);
        }

        X509Certificate issue(String commonName, KeyPair subjectKeys, KeyPurposeId[] purposes, GeneralName... names)
                throws GeneralSecurityException, IOException, OperatorCreationException {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(name, new X500Name("CN=" + commonName + ",O=Sluice tests"), subjectKeys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
                    .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            return sign(builder, keys);
        }

        private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
            Instant now = Instant.now();
            return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
                    subjectKeys.getPublic());
        }

        private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signerKeys)
                throws GeneralSecurityException, OperatorCreationException {
            String algorithm = signerKeys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            ContentSigner signer = new JcaContentSignerBuilder(algorithm).build(signerKeys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        }
    }

    private static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, new SecureRandom());
        return generator.generateKeyPair();
    }

    /** OpenSSL-style PEM: certificates, and RSA keys as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). */
    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    /** {@code BEGIN PRIVATE KEY}. */
    private static String pkcs8(KeyPair keys) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
        }
        return out.toString();
    }

    private static Path write(Path file, String content) throws IOException {
        return Files.writeString(file, content);
    }
}
