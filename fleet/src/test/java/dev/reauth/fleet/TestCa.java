package dev.reauth.fleet;

import java.math.BigInteger;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The project's test CA: a root, intermediates under it, and SNS-like signing certificates issued
 * by either, shaped as AWS issues them (names, caIssuers URL, key usage) or deliberately not.
 */
final class TestCa {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    final KeyPair caKeys = rsa();
    final X509Certificate caCertificate;

    /** A root CA (self-signed). */
    TestCa(String name) {
        caCertificate = issue(
                new X500Name("CN=" + name),
                caKeys,
                null,
                Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)),
                builder -> builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true)));
    }

    private TestCa(String name, TestCa issuer, Instant notAfter) {
        caCertificate = issue(
                new X500Name("CN=" + name),
                caKeys,
                issuer,
                Instant.now().minus(Duration.ofDays(1)),
                notAfter,
                builder -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                    builder.addExtension(
                            Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                });
    }

    /** An intermediate CA issued by this one, as Amazon RSA 2048 M01 is issued by Amazon Root CA 1. */
    TestCa intermediate(String name) {
        return new TestCa(name, this, Instant.now().plus(Duration.ofDays(30)));
    }

    /** The same, valid only until {@code notAfter}. */
    TestCa intermediate(String name, Instant notAfter) {
        return new TestCa(name, this, notAfter);
    }

    TrustAnchor anchor() {
        return new TrustAnchor(caCertificate, null);
    }

    /** A signing certificate named sns.amazonaws.com by its subject CN alone, valid between the given instants. */
    X509Certificate signingCertificate(KeyPair keys, Instant from, Instant to) {
        return leaf(keys).commonName("sns.amazonaws.com").validity(from, to).issue();
    }

    /** A signing certificate to shape: by default CN=sns.amazonaws.com, no other names, no caIssuers URL, no key usage. */
    Leaf leaf(KeyPair keys) {
        return new Leaf(keys);
    }

    /** A leaf certificate being shaped. */
    final class Leaf {
        private final KeyPair keys;
        private String commonName = "sns.amazonaws.com";
        private final List<String> dnsNames = new ArrayList<>();
        private URI caIssuers;
        private Integer keyUsage;
        private Instant from = Instant.now().minus(Duration.ofDays(1));
        private Instant to = Instant.now().plus(Duration.ofDays(10));

        private Leaf(KeyPair keys) {
            this.keys = keys;
        }

        Leaf commonName(String name) {
            commonName = name;
            return this;
        }

        /** Subject alternative DNS names (AWS's certificate carries sns.amazonaws.com here). */
        Leaf dnsNames(String... names) {
            dnsNames.addAll(List.of(names));
            return this;
        }

        /** Where the issuer's certificate is published (AWS's: http://crt.r2m01.amazontrust.com/r2m01.cer). */
        Leaf caIssuers(URI url) {
            caIssuers = url;
            return this;
        }

        /** BouncyCastle KeyUsage bits (AWS's: digitalSignature | keyEncipherment). */
        Leaf keyUsage(int bits) {
            keyUsage = bits;
            return this;
        }

        Leaf validity(Instant notBefore, Instant notAfter) {
            from = notBefore;
            to = notAfter;
            return this;
        }

        X509Certificate issue() {
            return TestCa.issue(new X500Name("CN=" + commonName), keys, TestCa.this, from, to, builder -> {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                if (!dnsNames.isEmpty()) {
                    builder.addExtension(
                            Extension.subjectAlternativeName,
                            false,
                            new GeneralNames(dnsNames.stream()
                                    .map(n -> new GeneralName(GeneralName.dNSName, n))
                                    .toArray(GeneralName[]::new)));
                }
                if (caIssuers != null) {
                    builder.addExtension(
                            Extension.authorityInfoAccess,
                            false,
                            new AuthorityInformationAccess(new AccessDescription(
                                    AccessDescription.id_ad_caIssuers,
                                    new GeneralName(GeneralName.uniformResourceIdentifier, caIssuers.toString()))));
                }
                if (keyUsage != null) {
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
                }
            });
        }
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

    private interface Extensions {
        void add(JcaX509v3CertificateBuilder builder) throws Exception;
    }

    /** Issued by {@code issuer}, or self-signed when it is null. */
    private static X509Certificate issue(
            X500Name subject, KeyPair subjectKeys, TestCa issuer, Instant from, Instant to, Extensions extensions) {
        try {
            X500Name issuerName = issuer == null
                    ? subject
                    : new X500Name(
                            issuer.caCertificate.getSubjectX500Principal().getName());
            var builder = new JcaX509v3CertificateBuilder(
                    issuerName,
                    BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(from),
                    Date.from(to),
                    subject,
                    subjectKeys.getPublic());
            extensions.add(builder);
            var signingKey = issuer == null ? subjectKeys.getPrivate() : issuer.caKeys.getPrivate();
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signingKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
