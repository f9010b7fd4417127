package dev.reauth.fleet;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Verifies SNS message signatures as AWS specifies them: SignatureVersion 2 (SHA256withRSA) over the
 * exact string to sign; SignatureVersion 1 (SHA1withRSA) only when {@link #acceptingSignatureVersion1()}
 * says so (a topic still set to version 1; reauth's topics are version 2). The signing certificate's URL must be https on the
 * SNS host of the topic's region (so TLS vouches for where it came from), and the certificate itself
 * must prove it is SNS's: it chains to a trusted CA (the JDK's in production) through the
 * intermediate its caIssuers URL publishes, is valid at the clock's instant, may sign, and is issued
 * to SNS's name for the topic's region. See {@link SigningCertificates}.
 */
public final class SnsSignatureVerifier {

    /** The message is not provably from SNS. */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message, null, false, false);
        }
    }

    private final SigningCertificates certificates;
    private final boolean acceptVersion1;

    /**
     * @param trustAnchors      the CAs a signing certificate must chain to
     * @param certificateSource fetches a URL's bytes (the signing certificate, and its issuer from the
     *                          caIssuers URL); throws or returns null when it cannot
     * @param clock             the instant certificates must be valid at
     */
    public SnsSignatureVerifier(Set<TrustAnchor> trustAnchors, Function<URI, byte[]> certificateSource, Clock clock) {
        this(new SigningCertificates(trustAnchors, certificateSource, clock), false);
    }

    private SnsSignatureVerifier(SigningCertificates certificates, boolean acceptVersion1) {
        this.certificates = certificates;
        this.acceptVersion1 = acceptVersion1;
    }

    /**
     * The same verifier that also accepts SignatureVersion 1 (SHA1withRSA): an explicit choice for a topic
     * whose publisher cannot be set to version 2, since SHA-1 signatures are refused by default.
     */
    public SnsSignatureVerifier acceptingSignatureVersion1() {
        return new SnsSignatureVerifier(certificates, true);
    }

    /** Production: the JDK's trusted CAs, certificates fetched by a {@link CertificateFetcher} with its default bounds. */
    public static SnsSignatureVerifier withJdkTrust() {
        return new SnsSignatureVerifier(jdkTrustAnchors(), new CertificateFetcher(), Clock.systemUTC());
    }

    public void verify(SnsMessage message) throws Rejected {
        String algorithm = switch (message.signatureVersion()) {
            case "2" -> "SHA256withRSA";
            case "1" -> {
                if (!acceptVersion1) {
                    throw new Rejected("SignatureVersion 1 (SHA1withRSA) is refused unless accepted explicitly");
                }
                yield "SHA1withRSA";
            }
            default -> throw new Rejected("unsupported SignatureVersion");
        };
        SnsTopicArn topic = SnsTopicArn.parse(message.topicArn());
        URI certUrl = certificateUrl(message, topic);
        var key = certificates.signingKey(certUrl, topic.signingCertificateNames());
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(key);
            verifier.update(message.stringToSign().getBytes(StandardCharsets.UTF_8));
            if (!verifier.verify(Base64.getDecoder().decode(message.signature()))) {
                throw new Rejected("signature does not match");
            }
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new Rejected("signature does not verify");
        }
    }

    /** https, on sns.REGION.amazonaws.com (amazonaws.com.cn in China) for the topic's region, a .pem path. */
    private static URI certificateUrl(SnsMessage message, SnsTopicArn topic) throws Rejected {
        URI url;
        try {
            url = URI.create(message.signingCertUrl());
        } catch (IllegalArgumentException e) {
            throw new Rejected("malformed SigningCertURL");
        }
        if (!"https".equals(url.getScheme())) {
            throw new Rejected("SigningCertURL is not https");
        }
        if (!topic.snsHost().equals(url.getHost()) || url.getPort() != -1 || url.getUserInfo() != null) {
            throw new Rejected("SigningCertURL is not the SNS host of the topic's region");
        }
        if (url.getPath() == null
                || !url.getPath().endsWith(".pem")
                || url.getQuery() != null
                || url.getFragment() != null) {
            throw new Rejected("SigningCertURL is not a certificate");
        }
        return url;
    }

    private static Set<TrustAnchor> jdkTrustAnchors() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            Set<TrustAnchor> anchors = new HashSet<>();
            for (var manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate ca : x509.getAcceptedIssuers()) {
                        anchors.add(new TrustAnchor(ca, null));
                    }
                }
            }
            return anchors;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no JDK trust store", e);
        }
    }
}
