package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.aws.AwsClients;
import dev.reauth.config.ReauthConfig;
import dev.reauth.config.RefreshSafety;
import dev.reauth.handler.Wiring;
import dev.reauth.local.LocalStack;
import dev.reauth.local.RefreshGrants;
import dev.reauth.provider.HttpAuthorizationServer;
import dev.reauth.recorder.AwsCallRecorder;
import dev.reauth.refresh.ScheduledRefresh;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundle;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The rescue path round trip (issue 17 item 2) through the emulator's SQS, KMS and DynamoDB and a
 * provider that enforces rotation: KMS refuses Encrypt past a refresh's landing deadline, so the
 * rotated tokens go to the rescue queue; while KMS stays down the account is neither refreshed with
 * its spent token nor marked anything; once KMS is back the next run lands the rescue with
 * compare-and-set before any provider call, and the account holds the provider's newest tokens.
 * GET /accounts reports {@code rescue_pending} while the tokens wait in the queue, and not once they landed.
 * Timings scaled down: 5 s provider timeout, 3 s AWS calls, a 35 s function and a 40 s lease.
 */
class TokenRescueIT {

    private ReauthSystem system;
    private RefreshGrants provider;
    private final AtomicBoolean kmsEncryptDown = new AtomicBoolean();
    private ScheduledRefresh schedule;
    private String queueUrl;

    @BeforeEach
    void start() {
        LogCapture.install();
        system = new ReauthSystem(null, Map.of("OAUTH_HTTP_TIMEOUT", "PT20S", "REFRESH_MIN_INTERVAL", "PT1S"));
        provider = system.provider.refreshGrants();
        queueUrl = system.clients
                .sqs()
                .createQueue(q -> q.queueName("rescue-" + System.nanoTime())
                        .attributes(Map.of(
                                QueueAttributeName.SQS_MANAGED_SSE_ENABLED, "true",
                                QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600")))
                .queueUrl();
        ReauthConfig c = system.config;
        RefreshSafety scaledDown = new RefreshSafety(
                Duration.ofSeconds(5),
                Duration.ofSeconds(3),
                Duration.ofSeconds(3),
                Duration.ofMillis(200),
                Duration.ofSeconds(2),
                Duration.ofSeconds(35),
                Duration.ofSeconds(40),
                Optional.of(queueUrl));
        ReauthConfig config = new ReauthConfig(
                c.region(),
                c.endpointOverride(),
                c.accountsTable(),
                c.accountsNameIndex(),
                c.sessionsTable(),
                c.tokenKeyId(),
                c.topicArn(),
                c.sessionTtl(),
                c.claimLease(),
                scaledDown.providerTimeout(),
                c.provider(),
                c.refresh(),
                c.links(),
                scaledDown,
                c.secondRefresher(),
                c.providerUserAgent(),
                c.deadlines(),
                c.revokeUrl(),
                c.accessTokenLifetime(),
                c.adoption());
        // the refresher's own graph: its calls (the rescue queue's included) are RefreshFunction's
        AwsClients clients = AwsClients.create(
                config,
                LocalStack.CREDENTIALS,
                List.of(new KmsEncryptOutage(), AwsCallRecorder.actingAs("RefreshFunction")));
        schedule = Wiring.graph(
                        config,
                        clients,
                        new HttpAuthorizationServer(
                                config.provider(), scaledDown.providerTimeout(), scaledDown.providerTimeout()),
                        system.clock)
                .schedule();
    }

    @AfterEach
    void stop() {
        try {
            SystemIT.assertNoSecretsLogged(system.secrets());
        } finally {
            system.close();
        }
    }

    @Test
    void kmsDownPastTheLease_rescuesTheRotatedTokens_andTheFirstRunAfterItLandsThem_withNoTokenReused() {
        // due at once (30 minutes within the 60-minute lead); the refreshed tokens then live 8 hours
        provider.accessTokenLifetime(Duration.ofMinutes(30));
        String id = system.liveAccount("rescued");
        TokenBundle before = system.decryptTokens(id, system.account(id));
        provider.accessTokenLifetime(Duration.ofHours(8));
        int redeemed = provider.refreshRequests();

        // WHEN KMS refuses Encrypt for longer than the refresh may retry
        kmsEncryptDown.set(true);
        ScheduledRefresh.Summary outage = schedule.run(system.clock.instant().plusSeconds(33));

        // THEN the provider rotated, nothing was written, and the tokens wait in the rescue queue
        assertThat(outage.failed()).isEqualTo(1);
        assertThat(outage.rescuePending())
                .as("the run's metric counts the rescue it deposited")
                .isEqualTo(1);
        assertThat(provider.refreshRequests() - redeemed).isEqualTo(1);
        Map<String, AttributeValue> during = system.account(id);
        assertThat(during.get(Accounts.TOKEN_VERSION).n()).isEqualTo("1");
        assertThat(during.get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
        assertThat(queued()).isEqualTo(1);
        assertThat(during).containsKey(Accounts.RESCUE_PENDING_AT);
        assertThat(healthOf(id).path("reasons").toString())
                .as("GET /accounts reports the tokens waiting in the queue")
                .contains("\"rescue_pending\"");

        // a run while KMS is still down: the rescue stays pending, and no refresh uses the spent token
        ScheduledRefresh.Summary stillDown = schedule.run(system.clock.instant().plusSeconds(33));
        assertThat(stillDown.rescuePending()).isEqualTo(1);
        assertThat(stillDown.rescueLanded()).isZero();
        assertThat(provider.refreshRequests() - redeemed).isEqualTo(1);
        JsonNode stillWaiting = healthOf(id);
        assertThat(stillWaiting.path("reasons").toString()).contains("\"rescue_pending\"");
        assertThat(stillWaiting.path("summary").asText()).contains("wait in the rescue queue");

        // WHEN KMS is back
        kmsEncryptDown.set(false);
        ScheduledRefresh.Summary back = schedule.run(system.clock.instant().plusSeconds(33));

        // THEN the rescue landed first, with compare-and-set, and the account holds the rotated tokens
        assertThat(back.rescueLanded()).isEqualTo(1);
        assertThat(back.rescuePending()).isZero();
        assertThat(provider.refreshRequests() - redeemed)
                .as("no provider call to land it")
                .isEqualTo(1);
        Map<String, AttributeValue> after = system.account(id);
        assertThat(after.get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");
        assertThat(after)
                .doesNotContainKeys(
                        Accounts.REFRESH_LEASE_OWNER, Accounts.ROTATION_UNCERTAIN_AT, Accounts.RESCUE_PENDING_AT);
        assertThat(healthOf(id).path("reasons").toString())
                .as("landed: no longer reported")
                .doesNotContain("rescue_pending");
        TokenBundle landed = system.decryptTokens(id, after);
        assertThat(landed.refreshToken()).isNotEqualTo(before.refreshToken());
        assertThat(provider.isLive(landed.accessToken(), system.clock.instant()))
                .isTrue();
        assertThat(queued()).isZero();

        // the landed refresh token is the provider's newest: redeeming it works, and nothing was reused
        system.refreshNow(id, null);
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("3");
        assertThat(provider.reusedRefreshTokens()).isZero();
    }

    /** The account's verdict as GET /accounts gives it. */
    private JsonNode healthOf(String id) {
        for (JsonNode account : json(system.listAccounts()).path("accounts")) {
            if (account.path("id").asText().equals(id)) {
                return account.path("health");
            }
        }
        throw new AssertionError("GET /accounts does not list " + id);
    }

    private int queued() {
        Map<QueueAttributeName, String> attributes = system.clients
                .sqs()
                .getQueueAttributes(a -> a.queueUrl(queueUrl)
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** KMS refusing Encrypt while the flag is up, as an outage would (the SDK sees a client failure). */
    private final class KmsEncryptOutage implements ExecutionInterceptor {
        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (kmsEncryptDown.get() && context.request() instanceof EncryptRequest) {
                throw SdkClientException.create("KMS Encrypt is down (injected)");
            }
        }
    }
}
