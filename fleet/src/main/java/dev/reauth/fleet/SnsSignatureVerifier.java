package dev.reauth.fleet;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Verifies SNS message signatures as AWS specifies them: SignatureVersion 1 (SHA1withRSA) or 2
 * (SHA256withRSA) over the exact string to sign; the signing certificate's URL must be https on the
 * SNS host of the topic's region; the certificate must be valid now and chain to a trusted CA (the
 * JDK's in production). Certificates are cached by URL.
 */
public final class SnsSignatureVerifier {

    private static final Pattern TOPIC_ARN = Pattern.compile("arn:(aws[a-z-]*):sns:([a-z0-9-]+):\\d{12}:[A-Za-z0-9_.-]+");
    private static final int MAX_CACHED_CERTIFICATES = 64;

    /** The message is not provably from SNS. */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message, null, false, false);
        }
    }

    private final Set<TrustAnchor> trustAnchors;
    private final Function<URI, byte[]> certificateSource;
    private final Clock clock;
    private final Map<URI, X509Certificate> certificates = new ConcurrentHashMap<>();

    public SnsSignatureVerifier(Set<TrustAnchor> trustAnchors, Function<URI, byte[]> certificateSource, Clock clock) {
        this.trustAnchors = Set.copyOf(trustAnchors);
        this.certificateSource = certificateSource;
        this.clock = clock;
    }

    /** Production: the JDK's trusted CAs, certificates fetched over HTTPS. */
    public static SnsSignatureVerifier withJdkTrust() {
        return new SnsSignatureVerifier(jdkTrustAnchors(), SnsSignatureVerifier::fetch, Clock.systemUTC());
    }

    public void verify(SnsMessage message) throws Rejected {
        String algorithm = switch (message.signatureVersion()) {
            case "1" -> "SHA1withRSA";
            case "2" -> "SHA256withRSA";
            default -> throw new Rejected("unsupported SignatureVersion");
        };
        URI certUrl = certificateUrl(message);
        X509Certificate certificate = certificate(certUrl);
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(message.stringToSign().getBytes(StandardCharsets.UTF_8));
            if (!verifier.verify(Base64.getDecoder().decode(message.signature()))) {
                throw new Rejected("signature does not match");
            }
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new Rejected("signature does not verify");
        }
    }

    /** https, on sns.REGION.amazonaws.com (amazonaws.com.cn in China) for the topic's region, a .pem path. */
    static URI certificateUrl(SnsMessage message) throws Rejected {
        var arn = TOPIC_ARN.matcher(message.topicArn());
        if (!arn.matches()) {
            throw new Rejected("malformed TopicArn");
        }
        String domain = arn.group(1).equals("aws-cn") ? "amazonaws.com.cn" : "amazonaws.com";
        URI url;
        try {
            url = URI.create(message.signingCertUrl());
        } catch (IllegalArgumentException e) {
            throw new Rejected("malformed SigningCertURL");
        }
        if (!"https".equals(url.getScheme())) {
            throw new Rejected("SigningCertURL is not https");
        }
        if (!("sns." + arn.group(2) + "." + domain).equals(url.getHost()) || url.getPort() != -1 || url.getUserInfo() != null) {
            throw new Rejected("SigningCertURL is not the SNS host of the topic's region");
        }
        if (url.getPath() == null || !url.getPath().endsWith(".pem") || url.getQuery() != null) {
            throw new Rejected("SigningCertURL is not a certificate");
        }
        return url;
    }

    private X509Certificate certificate(URI url) throws Rejected {
        X509Certificate cached = certificates.get(url);
        if (cached == null) {
            try {
                cached = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(certificateSource.apply(url)));
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new Rejected("signing certificate unavailable or unreadable");
            }
            if (certificates.size() >= MAX_CACHED_CERTIFICATES) {
                certificates.clear();
            }
            certificates.put(url, cached);
        }
        validate(cached);
        return cached;
    }

    /** Valid now, and chains to a trust anchor (validity is checked on every use: cached ones expire too). */
    private void validate(X509Certificate certificate) throws Rejected {
        try {
            PKIXParameters parameters = new PKIXParameters(trustAnchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(List.of(certificate)), parameters);
        } catch (GeneralSecurityException e) {
            throw new Rejected("signing certificate is expired or not from a trusted CA");
        }
    }

    private static Set<TrustAnchor> jdkTrustAnchors() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            Set<TrustAnchor> anchors = new java.util.HashSet<>();
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

    private static byte[] fetch(URI url) {
        try {
            HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
            connection.setConnectTimeout(3000);
            connection.setReadTimeout(5000);
            connection.setInstanceFollowRedirects(false);
            try (InputStream in = connection.getInputStream()) {
                return in.readNBytes(64 * 1024);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot fetch " + url.getHost() + url.getPath());
        }
    }
}
