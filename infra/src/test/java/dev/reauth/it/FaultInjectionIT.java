package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.AwsEmulator;
import dev.reauth.local.AwsFaultProxy;
import dev.reauth.local.LocalStack;
import dev.reauth.local.RefreshGrants;
import dev.reauth.local.SeededAccount;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Base of the fault-injection tests of issue 17: a system of its own per test whose functions reach
 * AWS through a loopback {@link AwsFaultProxy} and refresh at the local provider with its rotation
 * fault modes, with the refresher's timings scaled down so an outage that takes minutes in the real
 * world takes seconds here while keeping its ratio to the lease: a short outage ends inside the
 * commit's retry budget (the lease less its margin), a long one outlasts the lease and only the
 * rescue queue can save the tokens. After each test, proof that nothing secret was logged.
 *
 * <p>Tagged {@code issue17-refresher}: these prove the refresher's handling of the provider's answer
 * (seal and commit retries, the rescue queue, rotation_lost, answers it dislikes), which lands with
 * that work; {@code -Dgroups=issue17-refresher} runs them alone.
 */
@Tag("issue17-refresher")
abstract class FaultInjectionIT {

    /*
     * The refresher checks these at start-up: the lease outlasts the function's timeout plus the margin
     * (30 >= 26 + 3), and the function's timeout holds one whole refresh (26 - 2 >= 3 x 3 + 5 x 2 s),
     * with room for a run to start one: a run starts no refresh later than 19 s before its deadline.
     * No account here is agent-served, so no verdict is held: a 1 ms grace (the reader refuses PT0S) adds nothing.
     */
    /** The provider call's timeout (OAUTH_HTTP_TIMEOUT). */
    static final Duration OAUTH_TIMEOUT = Duration.ofSeconds(3);
    /** How long a claimed refresh holds the account (REFRESH_LEASE): 4 minutes by default, scaled down. */
    static final Duration LEASE = Duration.ofSeconds(30);
    /** Seal and commit retries stop this long before the lease ends, for the rescue (REFRESH_LEASE_MARGIN). */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(3);
    /** The refresh function's timeout (REFRESH_FUNCTION_TIMEOUT): 3 minutes by default, scaled down. */
    static final Duration FUNCTION_TIMEOUT = Duration.ofSeconds(26);
    /** The first wait between seal or commit attempts (REFRESH_RETRY_BACKOFF). */
    static final Duration RETRY_BACKOFF = Duration.ofMillis(250);
    /** One AWS call, its retries included (AWS_CALL_TIMEOUT), and one attempt of it (AWS_ATTEMPT_TIMEOUT). */
    static final Duration AWS_CALL_TIMEOUT = Duration.ofSeconds(2);

    static final Duration AWS_ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    /** How long a refused refresh of an agent-served account is held (REFRESH_DEAD_GRACE): next to nothing here. */
    static final Duration DEAD_GRACE = Duration.ofMillis(1);
    /** The "90 s" outage: well inside the retry budget (lease less margin). */
    static final Duration SHORT_OUTAGE = Duration.ofSeconds(8);
    /** The "10 minutes": more than twice the lease, so the retries give up and the rescue must hold. */
    static final Duration LONG_OUTAGE = LEASE.multipliedBy(2).plusSeconds(5);
    /** The template's RefreshSchedule: rate(5 minutes). */
    static final Duration SCHEDULE_PERIOD = Duration.ofMinutes(5);

    static final String WEB_BASE_URL = "https://f4ult5000.execute-api.us-east-1.amazonaws.com";
    private static final Pattern LINK_IN_TEXT = Pattern.compile(Pattern.quote(WEB_BASE_URL) + "/r/[A-Za-z0-9_-]{43}");

    protected AwsFaultProxy proxy;
    protected ReauthSystem system;
    protected RefreshGrants provider;
    protected String rescueQueueUrl;

    @BeforeEach
    void startSystem() {
        LogCapture.install();
        proxy = AwsFaultProxy.start(AwsEmulator.endpoint());
        rescueQueueUrl = rescueQueue();
        system = new ReauthSystem(
                null,
                Map.ofEntries(
                        Map.entry("AWS_ENDPOINT_URL", proxy.endpoint().toString()),
                        Map.entry("OAUTH_HTTP_TIMEOUT", OAUTH_TIMEOUT.toString()),
                        Map.entry("REFRESH_LEASE", LEASE.toString()),
                        Map.entry("REFRESH_LEASE_MARGIN", LEASE_MARGIN.toString()),
                        Map.entry("REFRESH_FUNCTION_TIMEOUT", FUNCTION_TIMEOUT.toString()),
                        Map.entry("REFRESH_RETRY_BACKOFF", RETRY_BACKOFF.toString()),
                        Map.entry("AWS_CALL_TIMEOUT", AWS_CALL_TIMEOUT.toString()),
                        Map.entry("AWS_ATTEMPT_TIMEOUT", AWS_ATTEMPT_TIMEOUT.toString()),
                        Map.entry("REFRESH_DEAD_GRACE", DEAD_GRACE.toString()),
                        Map.entry("RESCUE_QUEUE_URL", rescueQueueUrl),
                        Map.entry("WEB_BASE_URL", WEB_BASE_URL)));
        provider = system.provider.refreshGrants();
        // due at once: the 30-minute token is inside the 60-minute lead from the start
        provider.accessTokenLifetime(Duration.ofMinutes(30));
    }

    @AfterEach
    void noSecretWasLogged() {
        try {
            SystemIT.assertNoSecretsLogged(system.secrets());
        } finally {
            proxy.close();
            system.close();
        }
    }

    /**
     * The durable rescue queue as the template makes it: SQS-managed encryption, 14 days' retention.
     * Created straight on the emulator: the proxy is for the functions' calls.
     */
    private static String rescueQueue() {
        try (SqsClient sqs = SqsClient.builder()
                .endpointOverride(AwsEmulator.endpoint())
                .region(Region.of(AwsEmulator.REGION))
                .credentialsProvider(LocalStack.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.builder().build())
                .build()) {
            return sqs.createQueue(q -> q.queueName("reauth-rescue-"
                                    + UUID.randomUUID().toString().substring(0, 8))
                            .attributes(Map.of(
                                    QueueAttributeName.SQS_MANAGED_SSE_ENABLED, "true",
                                    QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600")))
                    .queueUrl();
        }
    }

    /**
     * An account reauth keeps alive, due now, seeded as a login leaves it (no code exchange: the
     * scaled-down provider timeout is too short for a cold authorization server); from here on the
     * provider grants 8-hour tokens, so an account that landed its refresh is not due again within a test.
     */
    String dueAccount(String name) {
        String id = SeededAccount.seed(
                system.aws, system.provider, system.config.refresh().buckets(), name);
        provider.accessTokenLifetime(Duration.ofHours(8));
        system.receive(Duration.ofSeconds(1));
        return id;
    }

    /** The refresh token the account holds now (decrypted through KMS, straight from the emulator). */
    String refreshTokenOf(String id) {
        return system.decryptTokens(id, system.account(id)).refreshToken();
    }

    /**
     * Runs {@code fault} on the provider's thread once, as the first refresh has rotated and before its
     * answer goes out: the fault is in force when the refresher holds the only copy of the new tokens.
     */
    void whenTheProviderHasRotated(Runnable fault) {
        AtomicBoolean done = new AtomicBoolean();
        provider.onRotation(() -> {
            if (done.compareAndSet(false, true)) {
                fault.run();
            }
        });
    }

    /**
     * AWS came back, so nothing may be lost: the account holds the provider's newest refresh token
     * (decrypted and compared), live at the provider; no token was presented twice; no dead mark and
     * no dead alert.
     */
    void assertRefreshedToTheNewestToken(String id, String before) {
        Map<String, AttributeValue> item = system.account(id);
        String held = system.decryptTokens(id, item).refreshToken();
        assertThat(held)
                .as("the account holds the provider's newest refresh token")
                .isEqualTo(provider.newestAfter(before));
        assertThat(held).isNotEqualTo(before);
        assertThat(provider.isLiveRefreshToken(held)).isTrue();
        assertThat(provider.reusedRefreshTokens())
                .as("refresh tokens presented twice")
                .isZero();
        assertThat(item.get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
        assertThat(item).doesNotContainKey(Accounts.REAUTH_REASON);
        assertThat(Long.parseLong(item.get(Accounts.TOKEN_VERSION).n())).isGreaterThan(1);
        assertThat(system.alerts(Duration.ofSeconds(2)))
                .extracting(a -> a.path("kind").asText())
                .doesNotContain("dead");
    }

    /**
     * The answer was truly lost: the account is dead with reason {@code rotation_lost}, and the one
     * dead alert says the provider rotated and its answer never arrived, with a one-time link.
     */
    void assertDeadAsRotationLost(String id) {
        Map<String, AttributeValue> item = system.account(id);
        assertThat(item.get(Accounts.REQUIRES_REAUTH).bool()).isTrue();
        assertThat(item.get(Accounts.REAUTH_REASON).s()).isEqualTo("rotation_lost");
        List<JsonNode> dead = system.alerts(Duration.ofSeconds(3)).stream()
                .filter(a -> a.path("kind").asText().equals("dead"))
                .toList();
        // the refresher names the lost rotation, distinct from a revoked token
        assertThat(dead).hasSize(1);
        JsonNode alert = dead.getFirst();
        assertThat(alert.path("accountId").asText()).isEqualTo(id);
        assertThat(alert.path("what").asText()).containsIgnoringCase("rotat").doesNotContain("revoked");
        Matcher link = LINK_IN_TEXT.matcher(alert.path("fix").asText());
        assertThat(link.find()).as(alert.path("fix").asText()).isTrue();
        system.rememberLink(link.group());
    }
}
