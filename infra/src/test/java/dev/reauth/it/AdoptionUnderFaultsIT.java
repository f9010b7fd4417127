package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.agent.ProxyCredentials;
import dev.reauth.agent.RetryingTokenAdopter;
import dev.reauth.agent.TokenAdopter;
import dev.reauth.local.AwsEmulator;
import dev.reauth.local.AwsFaultProxy;
import dev.reauth.local.AwsFaultProxy.Calls;
import dev.reauth.local.AwsFaultProxy.Failure;
import dev.reauth.local.RefreshGrants;
import dev.reauth.local.SeededAccount;
import dev.reauth.wire.Schema.Accounts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A second refresher's hand-over survives reauth's own AWS trouble. A proxy spends the refresh token
 * reauth holds and its agent hands the new tokens over while KMS refuses {@code Encrypt} for longer than
 * the adoption route's own retries and than one grace window, and a share of every AWS call fails
 * (through the loopback fault proxy in front of the emulator). reauth's scheduled refresh meets
 * {@code invalid_grant} meanwhile. With the agent's retries ({@link RetryingTokenAdopter}, its real
 * timings) and the verdict held while the hand-over is under way: 0 dead marks, 0 dead alerts, and
 * every account holds the proxy's tokens. Given up after one attempt, the same hand-over leaves the
 * account dead: the retry is what saves it.
 */
class AdoptionUnderFaultsIT {

    /** Longer than the adoption route's own retries (1.4 s) and than one grace window (5 s). */
    static final Duration ENCRYPT_OUTAGE = Duration.ofSeconds(7);
    /** Of every AWS call of the functions, beside the outage. */
    static final double FAILING_SHARE = 10;

    AwsFaultProxy proxy;
    ReauthSystem system;
    RefreshGrants provider;

    @BeforeEach
    void startSystem() {
        LogCapture.install();
        proxy = AwsFaultProxy.start(AwsEmulator.endpoint());
        // the default grace (5 s), as deployed; room for a loaded machine at the provider
        system = new ReauthSystem(
                null, Map.of("AWS_ENDPOINT_URL", proxy.endpoint().toString(), "OAUTH_HTTP_TIMEOUT", "PT5S"));
        provider = system.provider.refreshGrants();
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

    @Test
    void handOversRetriedThroughAKmsOutageAndFailingCalls_landWhileTheVerdictIsHeld_noAccountIsMarkedDead()
            throws Exception {
        // GIVEN three due accounts an agent serves, whose refresh tokens their proxy has just spent
        List<String> ids =
                List.of(servedDueAccount("faulty-a"), servedDueAccount("faulty-b"), servedDueAccount("faulty-c"));
        List<JsonNode> own = new ArrayList<>();
        for (String id : ids) {
            own.add(system.proxyRefreshesItself(
                    system.decryptTokens(id, system.account(id)).refreshToken()));
        }
        system.receive(Duration.ofSeconds(1));
        AtomicInteger attempts = new AtomicInteger();
        TokenAdopter agent = RetryingTokenAdopter.around(countingAdopter(attempts));

        // WHEN KMS refuses Encrypt and a tenth of all AWS calls fail while the agents hand the tokens over,
        Instant outageStart = Instant.now();
        proxy.failFor(Calls.named("TrentService.Encrypt"), Failure.SERVER_ERROR, ENCRYPT_OUTAGE);
        proxy.failPercent(Calls.all(), Failure.SERVER_ERROR, FAILING_SHARE);
        List<CompletableFuture<TokenAdopter.Outcome>> handOvers = new ArrayList<>();
        ExecutorService agents = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            ProxyCredentials tokens = credentials(own.get(i));
            handOvers.add(CompletableFuture.supplyAsync(() -> agent.adopt(id, 1, tokens), agents));
        }
        // and reauth's scheduled refresh presents the spent tokens once the hand-overs are under way
        await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(this::handOverTried));
        JsonNode run = system.runSchedule();
        assertThat(run.path("due").asInt()).as(run.toString()).isEqualTo(ids.size());
        List<TokenAdopter.Outcome> outcomes =
                handOvers.stream().map(CompletableFuture::join).toList();
        proxy.clear();
        agents.close();

        // THEN every hand-over was adopted, after more than one attempt (the outage outlasted the first)
        assertThat(outcomes).allMatch(o -> o instanceof TokenAdopter.Outcome.Adopted, "adopted");
        assertThat(attempts.get()).isGreaterThan(ids.size());
        assertThat(proxy.failed()).isPositive();
        assertThat(Duration.between(outageStart, Instant.now())).isGreaterThan(ENCRYPT_OUTAGE);
        // and reauth presented each spent refresh token once (it met invalid_grant), held it, and marked nothing dead
        assertThat(provider.reusedRefreshTokens()).isEqualTo(ids.size());
        assertThat(run.path("dead").asInt()).as(run.toString()).isZero();
        for (int i = 0; i < ids.size(); i++) {
            Map<String, AttributeValue> item = system.account(ids.get(i));
            assertThat(item.get(Accounts.REQUIRES_REAUTH).bool()).as(ids.get(i)).isFalse();
            assertThat(item).doesNotContainKey(Accounts.REAUTH_REASON);
            assertThat(item.get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");
            assertThat(system.decryptTokens(ids.get(i), item).refreshToken())
                    .isEqualTo(own.get(i).path("refresh_token").asText());
        }
        assertThat(system.receive(Duration.ofSeconds(2)))
                .noneMatch(m -> m.body().contains("account.reauth.required"));
        assertThat(system.alerts(Duration.ofSeconds(2)))
                .extracting(a -> a.path("kind").asText())
                .doesNotContain("dead");
    }

    @Test
    void aHandOverGivenUpAfterItsFirst503_leavesTheAccountDead_afterTheLongestHold() throws Exception {
        // GIVEN a due account an agent serves, whose refresh token its proxy has just spent
        String id = servedDueAccount("given-up");
        JsonNode own = system.proxyRefreshesItself(
                system.decryptTokens(id, system.account(id)).refreshToken());
        system.receive(Duration.ofSeconds(1));

        // WHEN the agent tries once while KMS refuses Encrypt, and gives up on the 503
        proxy.failFor(Calls.named("TrentService.Encrypt"), Failure.SERVER_ERROR, ENCRYPT_OUTAGE.multipliedBy(4));
        LambdaResponse refused = system.adoptTokens(id, adoptBody(own));
        assertThat(refused.getStatusCode()).as(refused.getBody()).isEqualTo(503);
        Instant heldFrom = Instant.now();
        JsonNode run = system.runSchedule();

        // THEN the verdict waited out its extensions for the hand-over (3 windows of 5 s), then called it dead
        assertThat(Duration.between(heldFrom, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(15));
        assertThat(run.path("dead").asInt()).as(run.toString()).isEqualTo(1);
        assertThat(system.account(id).get(Accounts.REAUTH_REASON).s()).isEqualTo("invalid_grant");
    }

    /** A due account (seeded as a login leaves it) whose agent has said it serves it. */
    private String servedDueAccount(String name) {
        // due at once: a 30-minute token is inside the 60-minute lead; the tokens granted later last 8 hours
        provider.accessTokenLifetime(Duration.ofMinutes(30));
        String id = SeededAccount.seed(
                system.aws, system.provider, system.config.refresh().buckets(), name);
        provider.accessTokenLifetime(Duration.ofHours(8));
        LambdaResponse handshake = system.agentHandshake(id);
        assertThat(handshake.getStatusCode()).as(handshake.getBody()).isEqualTo(200);
        return id;
    }

    private boolean handOverTried(String id) {
        return system.account(id).containsKey(Accounts.ADOPTION_ATTEMPT_AT);
    }

    /** The agent's HTTP client, but through the route's handler in-process: the same answers mapped the same way. */
    private TokenAdopter countingAdopter(AtomicInteger attempts) {
        return (accountId, base, tokens) -> {
            attempts.incrementAndGet();
            LambdaResponse answer = system.adoptTokens(
                    accountId,
                    ReauthSystem.JSON
                            .createObjectNode()
                            .put("baseTokenVersion", base)
                            .put("accessToken", tokens.accessToken())
                            .put("refreshToken", tokens.refreshToken())
                            .put("expiresAt", tokens.expiresAtMillis())
                            .toString());
            int status = answer.getStatusCode();
            if (status == 200) {
                return new TokenAdopter.Outcome.Adopted(
                        ReauthSystem.json(answer).path("tokenVersion").asLong());
            }
            return status == 409
                    ? new TokenAdopter.Outcome.Conflict()
                    : new TokenAdopter.Outcome.Failed("HTTP " + status, status / 100 == 5 || status == 429);
        };
    }

    private static ProxyCredentials credentials(JsonNode own) {
        return new ProxyCredentials(
                own.path("access_token").asText(),
                own.path("refresh_token").asText(),
                Clock.systemUTC().instant().plus(Duration.ofHours(8)).toEpochMilli(),
                Optional.empty());
    }

    private static String adoptBody(JsonNode own) {
        return ReauthSystem.JSON
                .createObjectNode()
                .put("baseTokenVersion", 1)
                .put("accessToken", own.path("access_token").asText())
                .put("refreshToken", own.path("refresh_token").asText())
                .put("expiresAt", Instant.now().plus(Duration.ofHours(8)).toEpochMilli())
                .toString();
    }
}
