package dev.reauth.fleet;

import static dev.reauth.fleet.SnsMessages.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.ConfirmSubscriptionRequest;
import software.amazon.awssdk.services.sns.model.ConfirmSubscriptionResponse;

/** A SubscriptionConfirmation is confirmed only when signed, for an allowed topic, and its SubscribeURL asks for exactly that. */
class SnsSubscriptionConfirmationTest {

    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:reauth-token-events";
    private static final String CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem";
    private static final String GOOD_SUBSCRIBE_URL =
            "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=token-123";

    private static final TestCa CA = new TestCa("reauth test CA");
    private static final KeyPair SIGNING = TestCa.rsa();

    private final List<String> confirmed = new ArrayList<>();
    private TokenSource tokens;
    private SnsEndpoint endpoint;

    @BeforeEach
    void setUp() throws Exception {
        tokens = new TokenSource(new FakeAccounts(), new FakeAccounts(), Clock.systemUTC(), Duration.ofMinutes(5));
        Map<URI, byte[]> certificates = Map.of(
                URI.create(CERT_URL),
                CA.signingCertificate(
                                SIGNING,
                                Instant.now().minus(Duration.ofDays(1)),
                                Instant.now().plus(Duration.ofDays(10)))
                        .getEncoded());
        endpoint = new SnsEndpoint(
                Set.of(TOPIC),
                new SnsSignatureVerifier(Set.of(CA.anchor()), certificates::get, Clock.systemUTC()),
                SnsEndpoint.SignaturePolicy.VERIFY,
                (topic, token) -> confirmed.add(topic + " " + token),
                tokens);
    }

    @Test
    void signedConfirmation_isConfirmed_andAForgedTokenIsNot() {
        Map<String, String> forged = signed(confirmation(GOOD_SUBSCRIBE_URL));
        forged.put("Token", "token-evil");

        assertThat(endpoint.handle(Map.of(), body(forged))).isEqualTo(403);
        assertThat(endpoint.handle(Map.of(), body(signed(confirmation(GOOD_SUBSCRIBE_URL)))))
                .isEqualTo(200);
        assertThat(confirmed).containsExactly(TOPIC + " token-123");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=token-123",
                "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC
                        + "&Token=token-123",
                "https://evil.example.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=token-123",
                "https://sns.us-east-1.amazonaws.com:8443/?Action=ConfirmSubscription&TopicArn=" + TOPIC
                        + "&Token=token-123",
                "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&TopicArn=" + TOPIC + "&Token=token-123",
                "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC
                        + "&Token=another-token",
                "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:123456789012:other&Token=token-123",
                "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=token-123",
                "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + TOPIC
                        + "&Token=token-123&Token=token-evil"
            })
    void signedConfirmation_whoseSubscribeUrlIsNotSnsConfirmingThisTokenAndTopic_isRefused(String subscribeUrl) {
        assertThat(endpoint.handle(Map.of(), body(signed(confirmation(subscribeUrl)))))
                .isEqualTo(403);
        assertThat(confirmed).isEmpty();
    }

    @Test
    void realAwsConfirmation_isConfirmedWithItsToken() throws Exception {
        // AWS's own SubscriptionConfirmation, with the certificate that signed it, at a time both were valid
        String topic = "arn:aws:sns:us-west-2:131990247566:dongie-standard-topic";
        Clock whenSent = Clock.fixed(Instant.parse("2026-03-06T19:35:00Z"), ZoneOffset.UTC);
        byte[] m01 = CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(SnsMessages.awsFixture("amazon-rsa-2048-m01.pem")))
                .getEncoded();
        Map<URI, byte[]> aws = Map.of(
                URI.create(
                        "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem"),
                SnsMessages.awsFixture("SimpleNotificationService-7506a1e35b36ef5a444dd1a8e7cc3ed8.pem"),
                URI.create("http://crt.r2m01.amazontrust.com/r2m01.cer"),
                m01);
        SnsEndpoint awsEndpoint = new SnsEndpoint(
                Set.of(topic),
                // AWS's fixture comes from a topic left at SignatureVersion 1: accepted only by explicit choice
                new SnsSignatureVerifier(SnsMessages.jdkTrustAnchors(), aws::get, whenSent)
                        .acceptingSignatureVersion1(),
                SnsEndpoint.SignaturePolicy.VERIFY,
                (t, token) -> confirmed.add(t + " " + token),
                tokens,
                whenSent,
                SnsEndpoint.DEFAULT_MAX_MESSAGE_AGE);
        String delivery = new String(SnsMessages.awsFixture("subscription-confirmation.json"), StandardCharsets.UTF_8);

        assertThat(awsEndpoint.handle(Map.of("x-amz-sns-message-type", "SubscriptionConfirmation"), delivery))
                .isEqualTo(200);
        assertThat(confirmed)
                .containsExactly(
                        topic + " " + SnsMessage.parse(delivery).token().orElseThrow());
    }

    @Test
    void emulatorConfirmation_unsigned_isConfirmedWhenItsUrlNamesThisTokenAndTopic() {
        // MiniStack's shape: SubscribeURL on the emulator itself, over http, Signature "FAKE"
        SnsEndpoint local = new SnsEndpoint(
                Set.of(TOPIC),
                null,
                SnsEndpoint.SignaturePolicy.LOCAL_EMULATOR_UNSIGNED,
                (topic, token) -> confirmed.add(topic + " " + token),
                tokens);
        Map<String, String> wrongToken =
                confirmation("http://localhost:4566/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=other");
        Map<String, String> right = confirmation(
                "http://localhost:4566/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=token-123");
        for (Map<String, String> m : List.of(wrongToken, right)) {
            m.put("SignatureVersion", "1");
            m.put("Signature", "FAKE");
        }

        assertThat(local.handle(Map.of(), body(wrongToken))).isEqualTo(403);
        assertThat(local.handle(Map.of(), body(right))).isEqualTo(200);
        assertThat(confirmed).containsExactly(TOPIC + " token-123");
    }

    @Test
    void confirmer_usesAuthenticateOnUnsubscribe() {
        List<ConfirmSubscriptionRequest> requests = new ArrayList<>();
        SnsClient sns = new FakeSns() {
            @Override
            public ConfirmSubscriptionResponse confirmSubscription(ConfirmSubscriptionRequest request) {
                requests.add(request);
                return ConfirmSubscriptionResponse.builder()
                        .subscriptionArn(TOPIC + ":1")
                        .build();
            }
        };

        SnsEndpoint.SubscriptionConfirmer.withSns(sns).confirm(TOPIC, "token-123");

        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.topicArn()).isEqualTo(TOPIC);
            assertThat(r.token()).isEqualTo("token-123");
            assertThat(r.authenticateOnUnsubscribe()).isEqualTo("true");
        });
    }

    @Test
    void confirmer_whenSnsFails_throwsTheLibrarysException_andTheEndpointAnswers503() {
        SnsClient sns = new FakeSns() {
            @Override
            public ConfirmSubscriptionResponse confirmSubscription(ConfirmSubscriptionRequest request) {
                throw SdkClientException.create("Unable to execute HTTP request: sns.us-east-1.amazonaws.com");
            }
        };
        SnsEndpoint.SubscriptionConfirmer confirmer = SnsEndpoint.SubscriptionConfirmer.withSns(sns);
        SnsEndpoint failing = new SnsEndpoint(
                Set.of(TOPIC), null, SnsEndpoint.SignaturePolicy.LOCAL_EMULATOR_UNSIGNED, confirmer, tokens);

        assertThatThrownBy(() -> confirmer.confirm(TOPIC, "token-123"))
                .isInstanceOf(FleetException.DependencyFailed.class)
                .hasMessageNotContaining("Unable to execute");
        Map<String, String> unsigned = confirmation(GOOD_SUBSCRIBE_URL);
        unsigned.put("SignatureVersion", "1");
        unsigned.put("Signature", "FAKE");
        assertThat(failing.handle(Map.of(), body(unsigned))).isEqualTo(503);
    }

    private static Map<String, String> confirmation(String subscribeUrl) {
        return new HashMap<>(Map.of(
                "Type",
                "SubscriptionConfirmation",
                "MessageId",
                UUID.randomUUID().toString(),
                "Token",
                "token-123",
                "TopicArn",
                TOPIC,
                "Message",
                "You have chosen to subscribe...",
                "SubscribeURL",
                subscribeUrl,
                "Timestamp",
                Instant.now().toString(),
                "SigningCertURL",
                CERT_URL));
    }

    private static Map<String, String> signed(Map<String, String> message) {
        return SnsMessages.sign(message, "2", SIGNING.getPrivate());
    }
}
