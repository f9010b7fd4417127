package dev.reauth.fleet;

import static dev.reauth.fleet.SnsMessages.awsFixture;
import static dev.reauth.fleet.SnsMessages.body;
import static dev.reauth.fleet.SnsMessages.notification;
import static dev.reauth.fleet.SnsMessages.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.threeten.extra.MutableClock;

/**
 * The signing certificate as SNS really serves it: AWS's own certificate and messages (issued by
 * Amazon RSA 2048 M01 under Amazon Root CA 1, served as the leaf alone), and the same shape from the
 * project's test CA (root, intermediate, leaf), against what a forger could serve.
 */
class SnsSignatureVerifierTest {

    // --- AWS's real certificate and messages (src/test/resources/aws-sns/README.md says where they come from)

    private static final URI AWS_CERT_URL = URI.create(
            "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem");
    /** The caIssuers URL in AWS's certificate: Amazon Trust Services publishes M01 there, DER-encoded. */
    private static final URI M01_URL = URI.create("http://crt.r2m01.amazontrust.com/r2m01.cer");
    /** The messages were published on 2026-03-06; the certificate is valid 2025-11-10 to 2026-10-14. */
    private static final Clock WHEN_AWS_SIGNED = Clock.fixed(Instant.parse("2026-03-06T20:05:00Z"), ZoneOffset.UTC);

    @ParameterizedTest
    @ValueSource(strings = {"notification-signature-v2.json", "unsubscribe-confirmation.json"})
    void realAwsMessage_signedWithTheRealSnsCertificate_verifies(String fixture) throws Exception {
        SnsSignatureVerifier verifier =
                new SnsSignatureVerifier(SnsMessages.jdkTrustAnchors(), awsServes(), WHEN_AWS_SIGNED);

        assertThatCode(() -> verifier.verify(awsMessage(fixture))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "notification-with-subject.json",
                "notification-no-subject.json",
                "subscription-confirmation.json"
            })
    void realAwsMessage_ofSignatureVersion1_isRefusedByDefault_andVerifiesOnlyWhenChosen(String fixture)
            throws Exception {
        SnsSignatureVerifier verifier =
                new SnsSignatureVerifier(SnsMessages.jdkTrustAnchors(), awsServes(), WHEN_AWS_SIGNED);
        SnsMessage message = awsMessage(fixture);
        assertThat(message.signatureVersion()).isEqualTo("1");

        assertThatThrownBy(() -> verifier.verify(message))
                .isInstanceOf(SnsSignatureVerifier.Rejected.class)
                .hasMessageContaining("SignatureVersion 1");
        assertThatCode(() -> verifier.acceptingSignatureVersion1().verify(message))
                .doesNotThrowAnyException();
    }

    @Test
    void realAwsMessage_withItsMessageChanged_isRefused() throws Exception {
        SnsSignatureVerifier verifier =
                new SnsSignatureVerifier(SnsMessages.jdkTrustAnchors(), awsServes(), WHEN_AWS_SIGNED);
        String json = new String(awsFixture("notification-signature-v2.json"), StandardCharsets.UTF_8)
                .replace("This message uses signature version 2.", "This message uses signature version 3.");

        assertThatThrownBy(() -> verifier.verify(SnsMessage.parse(json))).hasMessage("signature does not match");
    }

    @Test
    void realSnsCertificate_afterItsValidity_isRefused() {
        Clock afterExpiry = Clock.fixed(Instant.parse("2026-10-15T00:00:00Z"), ZoneOffset.UTC);
        SnsSignatureVerifier verifier =
                new SnsSignatureVerifier(SnsMessages.jdkTrustAnchors(), awsServes(), afterExpiry);

        assertThatThrownBy(() -> verifier.verify(awsMessage("notification-signature-v2.json")))
                .hasMessageContaining("expired");
    }

    @Test
    void realSnsCertificate_whenItsIntermediateCannotBeHad_isRefused() {
        Map<URI, byte[]> leafOnly =
                Map.of(AWS_CERT_URL, awsFixture("SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem"));
        SnsSignatureVerifier verifier =
                new SnsSignatureVerifier(SnsMessages.jdkTrustAnchors(), leafOnly::get, WHEN_AWS_SIGNED);

        assertThatThrownBy(() -> verifier.verify(awsMessage("notification-signature-v2.json")))
                .isInstanceOf(SnsSignatureVerifier.Rejected.class);
    }

    // --- the same shape from the test CA: root -> intermediate -> leaf, the leaf served alone

    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:reauth-token-events";
    private static final String CERT_URL =
            "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem";
    private static final URI INTERMEDIATE_URL = URI.create("http://crt.ca.test/intermediate.cer");

    private static final TestCa ROOT = new TestCa("reauth test root");
    private static final TestCa INTERMEDIATE = ROOT.intermediate("reauth test intermediate");
    private static final TestCa FOREIGN_INTERMEDIATE =
            new TestCa("somebody else's root").intermediate("somebody else's intermediate");
    private static final KeyPair SIGNING = TestCa.rsa();
    private static final int AWS_KEY_USAGE = KeyUsage.digitalSignature | KeyUsage.keyEncipherment;

    private final Map<URI, byte[]> served = new HashMap<>();
    private final Map<URI, Integer> fetches = new HashMap<>();
    private final MutableClock clock = MutableClock.of(Instant.now(), ZoneOffset.UTC);
    private final SnsSignatureVerifier verifier = new SnsSignatureVerifier(
            Set.of(ROOT.anchor()),
            url -> {
                fetches.merge(url, 1, Integer::sum);
                return served.get(url);
            },
            clock);

    @Test
    void leafFromAnIntermediate_servedAlone_verifiesThroughItsCaIssuersUrl() throws Exception {
        serveLeaf(INTERMEDIATE
                .leaf(SIGNING)
                .dnsNames("sns.amazonaws.com")
                .caIssuers(INTERMEDIATE_URL)
                .keyUsage(AWS_KEY_USAGE)
                .issue());
        served.put(INTERMEDIATE_URL, INTERMEDIATE.caCertificate.getEncoded());

        assertThatCode(() -> verifier.verify(signed(TOPIC, CERT_URL))).doesNotThrowAnyException();
    }

    @Test
    void leafServedWithItsIntermediateInThePem_verifiesWithoutFetchingTheIssuer() throws Exception {
        X509Certificate leaf = INTERMEDIATE
                .leaf(SIGNING)
                .dnsNames("sns.amazonaws.com")
                .caIssuers(INTERMEDIATE_URL)
                .issue();
        served.put(
                URI.create(CERT_URL),
                (pem(leaf) + pem(INTERMEDIATE.caCertificate)).getBytes(StandardCharsets.US_ASCII));

        assertThatCode(() -> verifier.verify(signed(TOPIC, CERT_URL))).doesNotThrowAnyException();
        assertThat(fetches).doesNotContainKey(INTERMEDIATE_URL);
    }

    @Test
    void leafFromAnIntermediate_servedAlone_withoutACaIssuersUrl_isRefused() throws Exception {
        serveLeaf(INTERMEDIATE.leaf(SIGNING).dnsNames("sns.amazonaws.com").issue());

        assertThatThrownBy(() -> verifier.verify(signed(TOPIC, CERT_URL)))
                .hasMessageContaining("does not chain to a trusted CA");
    }

    @Test
    void leafFromAnUntrustedCa_isRefused_evenWithItsIntermediatePublished() throws Exception {
        serveLeaf(FOREIGN_INTERMEDIATE
                .leaf(SIGNING)
                .dnsNames("sns.amazonaws.com")
                .caIssuers(INTERMEDIATE_URL)
                .issue());
        served.put(INTERMEDIATE_URL, FOREIGN_INTERMEDIATE.caCertificate.getEncoded());

        assertThatThrownBy(() -> verifier.verify(signed(TOPIC, CERT_URL)))
                .hasMessageContaining("does not chain to a trusted CA");
    }

    @Test
    void leafForAnotherName_fromTheTrustedCa_isRefused() throws Exception {
        serveLeaf(INTERMEDIATE
                .leaf(SIGNING)
                .commonName("evil.test")
                .dnsNames("evil.test")
                .caIssuers(INTERMEDIATE_URL)
                .issue());
        served.put(INTERMEDIATE_URL, INTERMEDIATE.caCertificate.getEncoded());

        assertThatThrownBy(() -> verifier.verify(signed(TOPIC, CERT_URL))).hasMessageContaining("not issued to");
    }

    @Test
    void leafNamedSnsOnlyInItsCommonName_whileItsDnsNamesAreOthers_isRefused() throws Exception {
        serveLeaf(ROOT.leaf(SIGNING)
                .commonName("sns.amazonaws.com")
                .dnsNames("evil.test")
                .issue());

        assertThatThrownBy(() -> verifier.verify(signed(TOPIC, CERT_URL))).hasMessageContaining("not issued to");
    }

    @Test
    void leafWithAWildcardName_isRefused() throws Exception {
        serveLeaf(ROOT.leaf(SIGNING)
                .commonName("*.amazonaws.com")
                .dnsNames("*.amazonaws.com")
                .issue());

        assertThatThrownBy(() -> verifier.verify(signed(TOPIC, CERT_URL))).hasMessageContaining("not issued to");
    }

    @Test
    void leafWhoseKeyUsageForbidsSigning_isRefused() throws Exception {
        serveLeaf(ROOT.leaf(SIGNING)
                .dnsNames("sns.amazonaws.com")
                .keyUsage(KeyUsage.keyEncipherment)
                .issue());

        assertThatThrownBy(() -> verifier.verify(signed(TOPIC, CERT_URL))).hasMessageContaining("key usage");
    }

    @ParameterizedTest(name = "{0} with a certificate for {2}: accepted {3}")
    @CsvSource({
        "arn:aws:sns:us-east-1:123456789012:t,          sns.us-east-1.amazonaws.com,     sns.amazonaws.com,                    true",
        "arn:aws:sns:af-south-1:123456789012:t,         sns.af-south-1.amazonaws.com,    sns-signing.af-south-1.amazonaws.com, true",
        "arn:aws:sns:us-east-1:123456789012:t,          sns.us-east-1.amazonaws.com,     sns-signing.af-south-1.amazonaws.com, false",
        "arn:aws-cn:sns:cn-north-1:123456789012:t,      sns.cn-north-1.amazonaws.com.cn, sns-cn-north-1.amazonaws.com.cn,      true",
        "arn:aws-cn:sns:cn-north-1:123456789012:t,      sns.cn-north-1.amazonaws.com.cn, sns.amazonaws.com,                    false",
        "arn:aws-cn:sns:cn-north-1:123456789012:t,      sns.cn-north-1.amazonaws.com.cn, sns.amazonaws.com.cn,                 false",
        "arn:aws-us-gov:sns:us-gov-east-1:123456789012:t, sns.us-gov-east-1.amazonaws.com, sns-us-gov-west-1.amazonaws.com,    true",
        "arn:aws-us-gov:sns:us-gov-east-1:123456789012:t, sns.us-gov-east-1.amazonaws.com, sns.amazonaws.com,                  false"
    })
    void certificateName_mustBeSnsSigningNameOfTheTopicsPartitionAndRegion(
            String topic, String host, String name, boolean accepted) throws Exception {
        String certUrl = "https://" + host + "/SimpleNotificationService-0123456789abcdef.pem";
        served.put(
                URI.create(certUrl),
                ROOT.leaf(SIGNING).commonName(name).dnsNames(name).issue().getEncoded());

        if (accepted) {
            assertThatCode(() -> verifier.verify(signed(topic, certUrl))).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> verifier.verify(signed(topic, certUrl))).hasMessageContaining("not issued to");
        }
    }

    // --- fetching: once per certificate, and a failure is not retried at every message

    @Test
    void certificateAndItsIssuer_areFetchedOnce_forManyMessages() throws Exception {
        serveLeaf(INTERMEDIATE
                .leaf(SIGNING)
                .dnsNames("sns.amazonaws.com")
                .caIssuers(INTERMEDIATE_URL)
                .issue());
        served.put(INTERMEDIATE_URL, INTERMEDIATE.caCertificate.getEncoded());

        for (int i = 0; i < 5; i++) {
            verifier.verify(signed(TOPIC, CERT_URL));
        }

        assertThat(fetches).containsEntry(URI.create(CERT_URL), 1).containsEntry(INTERMEDIATE_URL, 1);
    }

    @Test
    void failedFetch_isNotRepeated_untilTheRetryInterval() throws Exception {
        // nothing is served at CERT_URL
        SnsMessage message = signed(TOPIC, CERT_URL);

        assertThatThrownBy(() -> verifier.verify(message)).isInstanceOf(SnsSignatureVerifier.Rejected.class);
        assertThatThrownBy(() -> verifier.verify(message)).isInstanceOf(SnsSignatureVerifier.Rejected.class);
        assertThat(fetches).containsEntry(URI.create(CERT_URL), 1);

        clock.add(SigningCertificates.RETRY_FAILED_AFTER.plusSeconds(1));
        serveLeaf(ROOT.leaf(SIGNING).dnsNames("sns.amazonaws.com").issue());

        assertThatCode(() -> verifier.verify(message)).doesNotThrowAnyException();
        assertThat(fetches).containsEntry(URI.create(CERT_URL), 2);
    }

    @Test
    void failedIssuerFetch_isNotRepeated_untilTheRetryInterval_thenTheChainVerifies() throws Exception {
        serveLeaf(INTERMEDIATE
                .leaf(SIGNING)
                .dnsNames("sns.amazonaws.com")
                .caIssuers(INTERMEDIATE_URL)
                .issue());
        SnsMessage message = signed(TOPIC, CERT_URL);

        assertThatThrownBy(() -> verifier.verify(message)).isInstanceOf(SnsSignatureVerifier.Rejected.class);
        assertThatThrownBy(() -> verifier.verify(message)).isInstanceOf(SnsSignatureVerifier.Rejected.class);
        assertThat(fetches).containsEntry(INTERMEDIATE_URL, 1);

        clock.add(SigningCertificates.RETRY_FAILED_AFTER.plusSeconds(1));
        served.put(INTERMEDIATE_URL, INTERMEDIATE.caCertificate.getEncoded());

        assertThatCode(() -> verifier.verify(message)).doesNotThrowAnyException();
        assertThat(fetches).containsEntry(URI.create(CERT_URL), 1).containsEntry(INTERMEDIATE_URL, 2);
    }

    @Test
    void anIntermediateThatFailsValidation_isNotCached_andTheNextGenuineMessageVerifies() throws Exception {
        serveLeaf(INTERMEDIATE
                .leaf(SIGNING)
                .dnsNames("sns.amazonaws.com")
                .caIssuers(INTERMEDIATE_URL)
                .issue());
        // one bad answer at the caIssuers URL: a certificate that chains to no trusted CA
        served.put(INTERMEDIATE_URL, FOREIGN_INTERMEDIATE.caCertificate.getEncoded());
        SnsMessage message = signed(TOPIC, CERT_URL);

        assertThatThrownBy(() -> verifier.verify(message)).hasMessageContaining("does not chain to a trusted CA");

        served.put(INTERMEDIATE_URL, INTERMEDIATE.caCertificate.getEncoded());

        assertThatCode(() -> verifier.verify(signed(TOPIC, CERT_URL))).doesNotThrowAnyException();
        assertThat(fetches).containsEntry(INTERMEDIATE_URL, 2);
    }

    @Test
    void aValidatedIntermediate_isKeptOnlyUntilItExpires_thenFetchedAgain() throws Exception {
        TestCa shortLived = ROOT.intermediate(
                "reauth short-lived intermediate", clock.instant().plusSeconds(120));
        serveLeaf(shortLived
                .leaf(SIGNING)
                .dnsNames("sns.amazonaws.com")
                .caIssuers(INTERMEDIATE_URL)
                .issue());
        served.put(INTERMEDIATE_URL, shortLived.caCertificate.getEncoded());
        verifier.verify(signed(TOPIC, CERT_URL));
        verifier.verify(signed(TOPIC, CERT_URL));
        assertThat(fetches).containsEntry(INTERMEDIATE_URL, 1);

        clock.add(Duration.ofMinutes(3));

        assertThatThrownBy(() -> verifier.verify(signed(TOPIC, CERT_URL))).hasMessageContaining("expired");
        assertThat(fetches).containsEntry(INTERMEDIATE_URL, 2);
    }

    @Test
    void signatureVersion1_isRefusedByDefault() throws Exception {
        serveLeaf(ROOT.leaf(SIGNING).dnsNames("sns.amazonaws.com").issue());
        Map<String, String> message =
                notification(TOPIC, CERT_URL, SnsMessages.event("acct", 1), Optional.empty(), clock.instant());
        SnsMessage v1 = SnsMessage.parse(body(sign(message, "1", SIGNING.getPrivate())));

        assertThatThrownBy(() -> verifier.verify(v1)).hasMessageContaining("SignatureVersion 1");
        assertThatCode(() -> verifier.acceptingSignatureVersion1().verify(v1)).doesNotThrowAnyException();
    }

    @Test
    void cachedCertificate_isRefused_onceItExpires() throws Exception {
        serveLeaf(ROOT.leaf(SIGNING)
                .dnsNames("sns.amazonaws.com")
                .validity(clock.instant().minusSeconds(60), clock.instant().plusSeconds(60))
                .issue());
        verifier.verify(signed(TOPIC, CERT_URL));

        clock.add(Duration.ofMinutes(2));

        assertThatThrownBy(() -> verifier.verify(signed(TOPIC, CERT_URL))).hasMessageContaining("expired");
    }

    // --- helpers

    private static SnsMessage awsMessage(String fixture) throws SnsMessage.Malformed {
        return SnsMessage.parse(new String(awsFixture(fixture), StandardCharsets.UTF_8));
    }

    /** What AWS serves: the leaf PEM at its URL, and M01 (DER, as Amazon Trust Services publishes it) at the leaf's caIssuers URL. */
    private static Function<URI, byte[]> awsServes() {
        try {
            byte[] m01 = CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(awsFixture("amazon-rsa-2048-m01.pem")))
                    .getEncoded();
            return Map.of(
                    AWS_CERT_URL,
                    awsFixture("SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem"),
                    M01_URL,
                    m01)::get;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void serveLeaf(X509Certificate leaf) throws Exception {
        served.put(URI.create(CERT_URL), pem(leaf).getBytes(StandardCharsets.US_ASCII));
    }

    private SnsMessage signed(String topic, String certUrl) throws SnsMessage.Malformed {
        Map<String, String> message =
                notification(topic, certUrl, SnsMessages.event("acct", 1), Optional.empty(), clock.instant());
        return SnsMessage.parse(body(sign(message, "2", SIGNING.getPrivate())));
    }

    private static String pem(X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
