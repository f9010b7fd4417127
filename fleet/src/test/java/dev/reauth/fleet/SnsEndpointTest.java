package dev.reauth.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.wire.TokenEvent;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.threeten.extra.MutableClock;

/** SNS deliveries signed by the project's test CA: what is accepted, what is refused, and that refused means no flush. */
class SnsEndpointTest {

    private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:reauth-token-events";
    private static final String CERT_URL = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem";

    private static final TestCa CA = new TestCa("reauth test CA");
    private static final TestCa FOREIGN_CA = new TestCa("somebody else's CA");
    private static final KeyPair SIGNING = TestCa.rsa();
    private static final X509Certificate VALID = CA.signingCertificate(
            SIGNING, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(10)));
    private static final X509Certificate EXPIRED = CA.signingCertificate(
            SIGNING, Instant.now().minus(Duration.ofDays(10)), Instant.now().minus(Duration.ofDays(1)));
    private static final X509Certificate FOREIGN = FOREIGN_CA.signingCertificate(
            SIGNING, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(10)));

    private final Map<URI, byte[]> certificates = new HashMap<>();
    private final List<String> flushed = new CopyOnWriteArrayList<>();
    private final List<String> confirmed = new ArrayList<>();
    private SnsEndpoint endpoint;
    private TokenSource tokens;
    private SnsSignatureVerifier verifier;

    @BeforeEach
    void setUp() throws Exception {
        certificates.put(URI.create(CERT_URL), VALID.getEncoded());
        certificates.put(URI.create("https://sns.us-east-1.amazonaws.com/expired.pem"), EXPIRED.getEncoded());
        certificates.put(URI.create("https://sns.us-east-1.amazonaws.com/foreign.pem"), FOREIGN.getEncoded());
        // the table holds every account the messages name, so a message that gets through the checks here is confirmed
        FakeAccounts table = new FakeAccounts();
        for (int i = 1; i <= 13; i++) {
            table.put("acct-" + i, 100, "token", Instant.now().plus(Duration.ofHours(1)));
        }
        table.put("acct-ü", 100, "token", Instant.now().plus(Duration.ofHours(1)));
        table.names.put("acct-ü", "naïve\nname 🔑");
        tokens = new TokenSource(table, table, Clock.systemUTC(), Duration.ofMinutes(5));
        tokens.onFlush((account, version) -> flushed.add(account + "@" + version));
        verifier = new SnsSignatureVerifier(Set.of(CA.anchor()), certificates::get, Clock.systemUTC());
        endpoint = new SnsEndpoint(
                Set.of(TOPIC),
                verifier,
                SnsEndpoint.SignaturePolicy.VERIFY,
                (topic, token) -> confirmed.add(topic + " " + token),
                tokens);
    }

    @Test
    void validNotification_isAccepted_andFlushesTheAccount() throws Exception {
        Map<String, String> message = notification(event("acct-1", 7), Optional.of("rotated"));

        assertThat(endpoint.handle(Map.of("x-amz-sns-message-type", "Notification"), body(sign(message, "2"))))
                .isEqualTo(200);
        assertThat(flushed).containsExactly("acct-1@7");
    }

    @Test
    void signatureVersion1_isRefusedByDefault_andAcceptedOnlyWhenChosen() throws Exception {
        String v1 = body(sign(notification(event("acct-1", 7), Optional.of("rotated")), "1"));

        assertThat(endpoint.handle(Map.of("x-amz-sns-message-type", "Notification"), v1))
                .isEqualTo(403);
        assertThat(flushed).isEmpty();

        SnsEndpoint choosingV1 = new SnsEndpoint(
                Set.of(TOPIC),
                verifier.acceptingSignatureVersion1(),
                SnsEndpoint.SignaturePolicy.VERIFY,
                (topic, token) -> confirmed.add(topic + " " + token),
                tokens);
        assertThat(choosingV1.handle(Map.of("x-amz-sns-message-type", "Notification"), v1))
                .isEqualTo(200);
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
    @ValueSource(
            strings = {
                "https://evil.example.com/SimpleNotificationService-test.pem",
                "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem",
                "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-test.pem",
                "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-test.pem",
                "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-test.pem",
                "https://sns.us-east-1.amazonaws.com/expired.pem",
                "https://sns.us-east-1.amazonaws.com/foreign.pem"
            })
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
    @ValueSource(
            strings = {
                "MessageId",
                "TopicArn",
                "Message",
                "Timestamp",
                "Signature",
                "SignatureVersion",
                "SigningCertURL",
                "Type"
            })
    void missingField_isA400(String field) throws Exception {
        Map<String, String> signed = sign(notification(event("acct-7", 1), Optional.empty()), "2");
        signed.remove(field);

        assertThat(endpoint.handle(Map.of(), body(signed))).isEqualTo(400);
        assertThat(flushed).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "3", "1.0", ""})
    void unsupportedSignatureVersion_isRefused(String version) throws Exception {
        Map<String, String> signed = sign(notification(event("acct-9", 1), Optional.empty()), "2");
        signed.put("SignatureVersion", version);

        assertThat(endpoint.handle(Map.of(), body(signed))).isIn(400, 403);
        assertThat(flushed).isEmpty();
    }

    @Test
    void signedNotificationOlderThanAnHour_isRefused_soACapturedOneCannotBeReplayedAfterARestart() throws Exception {
        // the endpoint as infra builds it: the system clock and the default bound
        Map<String, String> message = notification(event("acct-10", 1), Optional.empty());
        message.put("Timestamp", Instant.now().minus(Duration.ofMinutes(61)).toString());

        assertThat(endpoint.handle(Map.of(), body(sign(message, "2")))).isEqualTo(403);
        assertThat(flushed).isEmpty();
    }

    @Test
    void messageAgeBound_isConfigurable() throws Exception {
        MutableClock clock = MutableClock.of(Instant.now(), ZoneOffset.UTC);
        SnsEndpoint strict = new SnsEndpoint(
                Set.of(TOPIC),
                verifier,
                SnsEndpoint.SignaturePolicy.VERIFY,
                (topic, token) -> confirmed.add(topic + " " + token),
                tokens,
                clock,
                Duration.ofMinutes(5));
        Map<String, String> fourMinutesOld = notification(event("acct-11", 1), Optional.empty());
        fourMinutesOld.put(
                "Timestamp", clock.instant().minus(Duration.ofMinutes(4)).toString());
        Map<String, String> sixMinutesOld = notification(event("acct-12", 1), Optional.empty());
        sixMinutesOld.put(
                "Timestamp", clock.instant().minus(Duration.ofMinutes(6)).toString());

        assertThat(strict.handle(Map.of(), body(sign(fourMinutesOld, "2")))).isEqualTo(200);
        assertThat(strict.handle(Map.of(), body(sign(sixMinutesOld, "2")))).isEqualTo(403);
        assertThat(flushed).containsExactly("acct-11@1");
    }

    @Test
    void aNotificationTheTableCannotConfirm_isA503_andSnssRedeliveryIsHeard() throws Exception {
        // GIVEN a token source whose accounts table fails the first confirmation read
        FakeAccounts table = new FakeAccounts();
        table.put("acct-20", 2, "token", Instant.now().plus(Duration.ofHours(1)));
        AtomicInteger failuresLeft = new AtomicInteger(1);
        AccountTokensReader flaky = new AccountTokensReader() {
            @Override
            public Optional<StoredTokens> read(String accountId) {
                return table.read(accountId);
            }

            @Override
            public Optional<AccountFacts> facts(String accountId) {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new FleetException.DependencyFailed("The accounts table is unavailable", null);
                }
                return table.facts(accountId);
            }

            @Override
            public Map<String, Long> versions(Collection<String> accountIds) {
                return table.versions(accountIds);
            }
        };
        TokenSource source = new TokenSource(flaky, table, Clock.systemUTC(), Duration.ofMinutes(5));
        List<String> heard = new CopyOnWriteArrayList<>();
        source.onFlush((account, version) -> heard.add(account + "@" + version));
        SnsEndpoint withFlakyTable =
                new SnsEndpoint(Set.of(TOPIC), verifier, SnsEndpoint.SignaturePolicy.VERIFY, (t, k) -> {}, source);
        String delivery = body(sign(notification(event("acct-20", 2), Optional.empty()), "2"));

        // WHEN SNS delivers the message, is answered 503, and delivers it again
        assertThat(withFlakyTable.handle(Map.of(), delivery)).isEqualTo(503);
        assertThat(heard).isEmpty();
        assertThat(withFlakyTable.handle(Map.of(), delivery)).isEqualTo(200);

        // THEN the redelivery is not taken for a duplicate: it flushes
        assertThat(heard).containsExactly("acct-20@2");
    }

    @Test
    void unreadableTimestamp_isA400() throws Exception {
        Map<String, String> message = notification(event("acct-13", 1), Optional.empty());
        message.put("Timestamp", "yesterday");

        assertThat(endpoint.handle(Map.of(), body(sign(message, "2")))).isEqualTo(400);
        assertThat(flushed).isEmpty();
    }

    @Test
    void headerTypeDifferingFromBody_isA400() throws Exception {
        String delivery = body(sign(notification(event("acct-8", 1), Optional.empty()), "2"));

        assertThat(endpoint.handle(Map.of("x-amz-sns-message-type", "SubscriptionConfirmation"), delivery))
                .isEqualTo(400);
    }

    private static String event(String accountId, long version) {
        return SnsMessages.event(accountId, version);
    }

    private static Map<String, String> notification(String message, Optional<String> subject) {
        return SnsMessages.notification(TOPIC, CERT_URL, message, subject, Instant.now());
    }

    private static Map<String, String> sign(Map<String, String> message, String version) {
        return SnsMessages.sign(message, version, SIGNING.getPrivate());
    }

    private static String body(Map<String, String> fields) {
        return SnsMessages.body(fields);
    }
}
