package io.sluice.warmup;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The warm-up client's trust: the server must present exactly the certificate of
 * {@code quarkus.grpc.server.ssl.certificate}, since the client dials Sluice's own port. That is stricter than a CA and
 * needs no host name: the client connects to a loopback address the certificate does not name. Extended, so that the
 * JDK does not add its own host name check around it.
 */
final class OwnCertificateTrust extends X509ExtendedTrustManager {

    private final X509Certificate own;

    OwnCertificateTrust(X509Certificate own) {
        this.own = own;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0 || !chain[0].equals(own)) {
            throw new CertificateException("the gRPC port presented "
                    + (chain == null || chain.length == 0 ? "no certificate" : chain[0].getSubjectX500Principal().getName())
                    + ", not the certificate of quarkus.grpc.server.ssl.certificate");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the warm-up client trusts no clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
