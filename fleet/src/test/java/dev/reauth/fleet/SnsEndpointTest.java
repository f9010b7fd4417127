package dev.reauth.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.wire.Json;
import dev.reauth.wire.TokenEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SNS deliveries signed by the project's test CA: what is accepted, what is refused, and that refused means no flush. */
class SnsEndpointTest {

    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:reauth-token-events";
    private static final String CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem";

    private static final TestCa CA = new TestCa("reauth test CA");
    private static final TestCa FOREIGN_CA = new TestCa("somebody else's CA");
    private static final KeyPair SIGNING = TestCa.rsa();
    private static final X509Certificate VALID = CA.signingCertificate(SIGNING, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(10)));
    private static final X509Certificate EXPIRED = CA.signingCertificate(SIGNING, Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
    private static final X509Certificate FOREIGN = FOREIGN_CA.signingCertificate(SIGNING, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(10)));

    private final Map<URI, byte[]> certificates = new HashMap<>();
    private final List<String> flushed = new CopyOnWriteArrayList<>();
    private final List<String> confirmed = new ArrayList<>();
    private SnsEndpoint endpoint;

    @BeforeEach
    void setUp() throws Exception {
        certificates.put(URI.create(CERT_URL), VALID.getEncoded());
        certificates.put(URI.create("https://sns.us-east-1.amazonaws.com/expired.pem"), EXPIRED.getEncoded());
        certificates.put(URI.create("https://sns.us-east-1.amazonaws.com/foreign.pem"), FOREIGN.getEncoded());
        TokenSource tokens = new TokenSource(new FakeAccounts(), new FakeAccounts(), Clock.systemUTC(), Duration.ofMinutes(5));
        tokens.onFlush((account, version) -> flushed.add(account + "@" + version));
        SnsSignatureVerifier verifier = new SnsSignatureVerifier(Set.of(CA.anchor()), certificates::get, Clock.systemUTC());
        endpoint = new SnsEndpoint(Set.of(TOPIC), verifier, SnsEndpoint.SignaturePolicy.VERIFY,
                (topic, token) -> confirmed.add(topic + " " + token), tokens);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "2"})
    void validNotification_isAccepted_andFlushesTheAccount(String signatureVersion) throws Exception {
        Map<String, String> message = notification(event("acct-1", 7), Optional.of("rotated"));

        assertThat(endpoint.handle(Map.of("x-amz-sns-message-type", "Notification"), body(sign(message, signatureVersion)))).isEqualTo(200);
        assertThat(flushed).containsExactly("acct-1@7");
    }

    @Test
    void unicodeAndMultiLineMessages_withoutSubject_verify() throws Exception {
        String event = new TokenEvent(TokenEvent.TOKENS_ROTATED, "acct-ü", "naïve\nname 🔑", 3, Instant.now()).toJson();
        Map<String, String> message = notification(event, Optional.empty());

        assertThat(endpoint.handle(Map.of(), body(sign(message, "2")))).isEqualTo(200);
        assertThat(flushed).containsExactly("acct-ü@3");
    }

    @Test
    void sameNotificationDeliveredTwice_flushesOnce() throws Exception {
        String delivery = body(sign(notification(event("acct-2", 4), Optional.empty()), "2"));

        assertThat(endpoint.handle(Map.of(), delivery)).isEqualTo(200);
        assertThat(endpoint.handle(Map.of(), delivery)).isEqualTo(200);
        assertThat(flushed).containsExactly("acct-2@4");
    }

    @Test
    void tamperedBody_isRefused() throws Exception {
        Map<String, String> signed = sign(notification(event("acct-3", 1), Optional.empty()), "2");
        signed.put("Message", event("acct-3", 99));

        assertThat(endpoint.handle(Map.of(), body(signed))).isEqualTo(403);
        assertThat(flushed).isEmpty();
    }

    @Test
    void tamperedSignature_isRefused() throws Exception {
        Map<String, String> signed = sign(notification(event("acct-4", 1), Optional.empty()), "2");
        byte[] signature = Base64.getDecoder().decode(signed.get("Signature"));
        signature[10] ^= 1;
        signed.put("Signature", Base64.getEncoder().encodeToString(signature));

        assertThat(endpoint.handle(Map.of(), body(signed))).isEqualTo(403);
        assertThat(flushed).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "https://evil.example.com/SimpleNotificationService-test.pem",
            "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem",
            "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem",
            "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-test.pem",
            "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-test.pem",
            "https://sns.us-east-1.amazonaws.com/expired.pem",
            "https://sns.us-east-1.amazonaws.com/foreign.pem"})
    void certificateFromTheWrongPlace_expired_orNotFromTheTrustedCa_isRefused(String certUrl) throws Exception {
        // every URL serves a certificate for the right key: only the URL or the certificate is wrong
        certificates.putIfAbsent(URI.create(certUrl), VALID.getEncoded());
        Map<String, String> message = notification(event("acct-5", 1), Optional.empty());
        message.put("SigningCertURL", certUrl);

        assertThat(endpoint.handle(Map.of(), body(sign(message, "2")))).isEqualTo(403);
        assertThat(flushed).isEmpty();
    }

    @Test
    void foreignTopic_isRefused_evenWhenCorrectlySigned() throws Exception {
        Map<String, String> message = notification(event("acct-6", 1), Optional.empty());
        message.put("TopicArn", "arn:aws:sns:us-east-1:999999999999:someone-elses-topic");

        assertThat(endpoint.handle(Map.of(), body(sign(message, "2")))).isEqualTo(403);
        assertThat(flushed).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"MessageId", "TopicArn", "Message", "Timestamp", "Signature", "SignatureVersion", "SigningCertURL", "Type"})
    void missingField_isA400(String field) throws Exception {
        Map<String, String> signed = sign(notification(event("acct-7", 1), Optional.empty()), "2");
        signed.remove(field);

        assertThat(endpoint.handle(Map.of(), body(signed))).isEqualTo(400);
        assertThat(flushed).isEmpty();
    }

    @Test
    void subscriptionConfirmation_isConfirmedOnlyWhenSignedAndForAnAllowedTopic() throws Exception {
        Map<String, String> confirmation = new HashMap<>(Map.of("Type", "SubscriptionConfirmation", "MessageId", UUID.randomUUID().toString(),
                "Token", "token-123", "TopicArn", TOPIC, "Message", "You have chosen to subscribe...",
                "SubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=token-123",
                "Timestamp", Instant.now().toString(), "SigningCertURL", CERT_URL));
        Map<String, String> forged = sign(new HashMap<>(confirmation), "2");
        forged.put("Token", "token-evil");

        assertThat(endpoint.handle(Map.of(), body(forged))).isEqualTo(403);
        assertThat(endpoint.handle(Map.of(), body(sign(confirmation, "2")))).isEqualTo(200);
        assertThat(confirmed).containsExactly(TOPIC + " token-123");
    }

    @Test
    void headerTypeDifferingFromBody_isA400() throws Exception {
        String delivery = body(sign(notification(event("acct-8", 1), Optional.empty()), "2"));

        assertThat(endpoint.handle(Map.of("x-amz-sns-message-type", "SubscriptionConfirmation"), delivery)).isEqualTo(400);
    }

    private static String event(String accountId, long version) {
        return new TokenEvent(TokenEvent.TOKENS_ROTATED, accountId, "name", version, Instant.now()).toJson();
    }

    private static Map<String, String> notification(String message, Optional<String> subject) {
        Map<String, String> m = new HashMap<>(Map.of("Type", "Notification", "MessageId", UUID.randomUUID().toString(),
                "TopicArn", TOPIC, "Message", message, "Timestamp", Instant.now().toString(), "SigningCertURL", CERT_URL));
        subject.ifPresent(s -> m.put("Subject", s));
        return m;
    }

    /** Signs as SNS does, over the string to sign of the message as it stands. */
    private static Map<String, String> sign(Map<String, String> message, String version) throws Exception {
        message.put("SignatureVersion", version);
        message.put("Signature", "placeholder");
        String stringToSign = SnsMessage.parse(body(message)).stringToSign();
        Signature signer = Signature.getInstance(version.equals("1") ? "SHA1withRSA" : "SHA256withRSA");
        signer.initSign(SIGNING.getPrivate());
        signer.update(stringToSign.getBytes(StandardCharsets.UTF_8));
        message.put("Signature", Base64.getEncoder().encodeToString(signer.sign()));
        return message;
    }

    private static String body(Map<String, String> fields) {
        Json.ObjectWriter json = Json.object();
        fields.forEach(json::put);
        return json.toJson();
    }
}
