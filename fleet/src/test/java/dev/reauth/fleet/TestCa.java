package dev.reauth.fleet;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** The project's test CA: issues SNS-like signing certificates the tests trust instead of the JDK's CAs. */
final class TestCa {

    final KeyPair caKeys = rsa();
    final X509Certificate caCertificate;

    TestCa(String name) {
        caCertificate = issue(new X500Name("CN=" + name), caKeys, new X500Name("CN=" + name), caKeys.getPrivate(),
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), true);
    }

    TrustAnchor anchor() {
        return new TrustAnchor(caCertificate, null);
    }

    /** A signing certificate for sns.amazonaws.com, valid between the given instants. */
    X509Certificate signingCertificate(KeyPair keys, Instant from, Instant to) {
        return issue(new X500Name("CN=sns.amazonaws.com"), keys, new X500Name(caCertificate.getSubjectX500Principal().getName()),
                caKeys.getPrivate(), from, to, false);
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate issue(X500Name subject, KeyPair subjectKeys, X500Name issuer, PrivateKey issuerKey,
                                         Instant from, Instant to, boolean ca) {
        try {
            var builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(System.nanoTime()), Date.from(from), Date.from(to),
                    subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
