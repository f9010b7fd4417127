package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.RefreshGrants;
import dev.reauth.testing.Race;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundle;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The refresher against the emulator and a provider that enforces refresh-token rotation: single
 * flight under concurrency, dead tokens told from busy ones, failures retried, alerts to people.
 * Each test gets its own system, so a schedule run sees only that test's accounts.
 */
class RefreshIT extends FreshSystemIT {

    @BeforeEach
    void everyAccountIsDueAtOnce() {
        // within the 60-minute lead window from the start: every logged-in account is due at once
        provider.accessTokenLifetime(Duration.ofMinutes(30));
    }

    @Test
    void schedule_refreshesTheDueAccounts_withinFiveAwsCallsEach_andLeavesTheOthers() {
        String due1 = system.liveAccount("due-1");
        String due2 = system.liveAccount("due-2");
        provider.accessTokenLifetime(Duration.ofHours(8));
        String fresh = system.liveAccount("fresh");
        Map<String, AttributeValue> freshBefore = system.account(fresh);
        TokenBundle before = system.decryptTokens(due1, system.account(due1));
        system.receive(Duration.ofSeconds(2));
        int refreshCalls = provider.refreshRequests();
        system.calls.drain();

        JsonNode run = system.runSchedule();

        List<String> calls = system.calls.drain();
        assertThat(run.path("due").asInt()).isEqualTo(2);
        assertThat(run.path("refreshed").asInt()).isEqualTo(2);
        assertThat(provider.refreshRequests() - refreshCalls).isEqualTo(2);
        for (String id : List.of(due1, due2)) {
            Map<String, AttributeValue> after = system.account(id);
            assertThat(after.get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");
            assertThat(after.get(Accounts.REFRESH_COUNT).n()).isEqualTo("1");
            assertThat(after.get(Accounts.LAST_REFRESH_RESULT).s()).isEqualTo("ok");
            assertThat(after).doesNotContainKeys(Accounts.REFRESH_LEASE_OWNER, Accounts.REFRESH_LEASE_UNTIL);
        }
        TokenBundle after = system.decryptTokens(due1, system.account(due1));
        assertThat(after.accessToken()).isNotEqualTo(before.accessToken());
        assertThat(after.refreshToken()).isNotEqualTo(before.refreshToken());
        assertThat(system.account(fresh)).isEqualTo(freshBefore);
        // finding due accounts: one query per refresh-index bucket, and the expiring warning's one per
        // deadline-index bucket; then claim, decrypt, encrypt, write, publish each
        long queries = calls.stream().filter(c -> c.equals("DynamoDb.Query")).count();
        assertThat(queries).isEqualTo(2L * system.config.refresh().buckets());
        assertThat(calls.size() - queries).isEqualTo(2 * 5);
        assertThat(calls).noneMatch(c -> c.equals("DynamoDb.Scan"));
        assertThat(system.receive(Duration.ofSeconds(3))).hasSize(2);
        assertThat(provider.reusedRefreshTokens()).isZero();
    }

    @Test
    void tenConcurrentRefreshers_makeExactlyOneProviderCall_andAllEndAtTheSameNewVersion() throws Exception {
        String id = system.liveAccount("contended");
        int refreshCalls = provider.refreshRequests();

        List<Callable<Long>> refreshers = new ArrayList<>();
        // the schedule does not wait for a refresh in flight (it moves on): what it did is in its summary
        List<JsonNode> scheduleRuns = new CopyOnWriteArrayList<>();
        refreshers.add(() -> {
            scheduleRuns.add(system.runSchedule());
            return null;
        });
        for (int proxy = 0; proxy < 9; proxy++) {
            refreshers.add(() -> {
                LambdaResponse response = system.refreshNow(id, 1L);
                assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
                return json(response).path("tokenVersion").asLong();
            });
        }
        List<Long> versions = Race.raceAll(refreshers);

        assertThat(provider.refreshRequests() - refreshCalls).isEqualTo(1);
        assertThat(versions.subList(1, versions.size())).hasSize(9).containsOnly(2L);
        // the schedule saw the account due, and either refreshed it, found it in flight, or left it to the lease holder
        JsonNode run = scheduleRuns.getFirst();
        assertThat(run.path("due").asInt()).as(run.toString()).isEqualTo(1);
        assertThat(run.path("failed").asInt() + run.path("dead").asInt())
                .as(run.toString())
                .isZero();
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");
        assertThat(provider.reusedRefreshTokens()).isZero();
    }

    @Test
    void onDemand_withAnOldVersion_answersTheCurrentOne_withoutCallingTheProvider() {
        String id = system.liveAccount("moved-on");
        assertThat(json(system.refreshNow(id, 1L)).path("tokenVersion").asLong())
                .isEqualTo(2);
        int refreshCalls = provider.refreshRequests();

        LambdaResponse stale = system.refreshNow(id, 1L);
        LambdaResponse again = system.refreshNow(id, null);

        assertThat(json(stale).path("status").asText()).isEqualTo("current");
        assertThat(json(stale).path("tokenVersion").asLong()).isEqualTo(2);
        // at most one provider call per account per 30 s, whatever the callers do
        assertThat(json(again).path("tokenVersion").asLong()).isEqualTo(2);
        assertThat(provider.refreshRequests()).isEqualTo(refreshCalls);
    }

    @Test
    void revokedRefreshToken_marksTheAccountDead_tellsTheFleetAndAPerson_andAReauthenticationHealsIt() {
        String id = system.liveAccount("revoked");
        Map<String, AttributeValue> before = system.account(id);
        provider.revoke(system.decryptTokens(id, before).refreshToken());
        system.receive(Duration.ofSeconds(2));

        JsonNode run = system.runSchedule();

        assertThat(run.path("dead").asInt()).isEqualTo(1);
        Map<String, AttributeValue> after = system.account(id);
        assertThat(after.get(Accounts.REQUIRES_REAUTH).bool()).isTrue();
        assertThat(after.get(Accounts.REAUTH_REASON).s()).isEqualTo("invalid_grant");
        assertThat(after).containsKey(Accounts.REAUTH_REQUIRED_AT).doesNotContainKey(Accounts.REFRESH_BUCKET);
        assertThat(after.get(Accounts.TOKEN_CIPHERTEXT)).isEqualTo(before.get(Accounts.TOKEN_CIPHERTEXT));
        assertThat(after.get(Accounts.TOKEN_VERSION)).isEqualTo(before.get(Accounts.TOKEN_VERSION));
        JsonNode event = fleetEvents().getFirst();
        assertThat(event.path("type").asText()).isEqualTo("account.reauth.required");
        assertThat(event.path("accountId").asText()).isEqualTo(id);
        assertThat(event.path("accountName").asText()).isEqualTo("revoked");
        assertThat(event.path("tokenVersion").asLong()).isEqualTo(1);
        assertThat(event.path("reason").asText()).isEqualTo("invalid_grant");
        JsonNode alert = system.alerts(Duration.ofSeconds(3)).getFirst();
        assertThat(alert.path("kind").asText()).isEqualTo("dead");
        assertThat(alert.path("accountName").asText()).isEqualTo("revoked");
        assertThat(alert.path("fix").asText()).isEqualTo("reauth --reauthenticate revoked");
        // the next run leaves it alone: it is out of the refresh index until re-authenticated
        int refreshCalls = provider.refreshRequests();
        assertThat(system.runSchedule().path("due").asInt()).isZero();
        assertThat(provider.refreshRequests()).isEqualTo(refreshCalls);

        LambdaResponse healed = system.pasteCode(system.startAndLogIn("revoked").pasted());

        assertThat(healed.getStatusCode()).as(healed.getBody()).isEqualTo(200);
        Map<String, AttributeValue> healthy = system.account(id);
        assertThat(healthy.get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
        assertThat(healthy)
                .doesNotContainKeys(Accounts.REAUTH_REASON, Accounts.REFRESH_ALERTS)
                .containsKey(Accounts.REFRESH_BUCKET);
        assertThat(system.alerts(Duration.ofSeconds(3)))
                .anySatisfy(a -> assertThat(a.path("kind").asText()).isEqualTo("recovered"));
    }

    @Test
    void provider500_timeoutAnd429_writeNothing_areRetried_andAlertAfterThree_thenRecovery() {
        String id = system.liveAccount("flaky");
        Map<String, AttributeValue> before = system.account(id);
        provider.timeoutDelay(Duration.ofSeconds(7));
        provider.retryAfter(Duration.ofSeconds(90));
        provider.failNext(RefreshGrants.Fault.SERVER_ERROR, RefreshGrants.Fault.TIMEOUT, RefreshGrants.Fault.THROTTLED);

        assertThat(system.runSchedule().path("failed").asInt()).isEqualTo(1);
        assertThat(system.runSchedule().path("due").asInt()).isEqualTo(1);
        assertThat(system.account(id).get(Accounts.REFRESH_FAILURES).n())
                .as("backing off: not tried again at once")
                .isEqualTo("1");
        system.clock.advance(Duration.ofMinutes(2));
        assertThat(system.runSchedule().path("failed").asInt()).isEqualTo(1);
        system.clock.advance(Duration.ofMinutes(3));
        assertThat(system.runSchedule().path("throttled").asInt()).isEqualTo(1);

        Map<String, AttributeValue> failing = system.account(id);
        assertThat(failing.get(Accounts.REFRESH_FAILURES).n()).isEqualTo("3");
        assertThat(failing.get(Accounts.LAST_REFRESH_RESULT).s()).isEqualTo("throttled");
        assertThat(failing.get(Accounts.TOKEN_CIPHERTEXT)).isEqualTo(before.get(Accounts.TOKEN_CIPHERTEXT));
        assertThat(failing.get(Accounts.TOKEN_VERSION)).isEqualTo(before.get(Accounts.TOKEN_VERSION));
        assertThat(failing.get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
        // the longer of the backoff (4 min after two failures) and the 429's Retry-After (90 s) wins
        assertThat(Long.parseLong(failing.get(Accounts.NEXT_REFRESH_AT).n()))
                .isGreaterThanOrEqualTo(
                        system.clock.instant().plus(Duration.ofMinutes(3)).toEpochMilli());
        assertThat(system.alerts(Duration.ofSeconds(3)))
                .singleElement()
                .satisfies(alert -> assertThat(alert.path("kind").asText()).isEqualTo("failing"));

        system.clock.advance(Duration.ofMinutes(10));
        assertThat(system.runSchedule().path("refreshed").asInt()).isEqualTo(1);
        Map<String, AttributeValue> recovered = system.account(id);
        assertThat(recovered.get(Accounts.REFRESH_FAILURES).n()).isEqualTo("0");
        assertThat(recovered.get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");
        assertThat(system.alerts(Duration.ofSeconds(3)))
                .singleElement()
                .satisfies(alert -> assertThat(alert.path("kind").asText()).isEqualTo("recovered"));
        assertThat(provider.reusedRefreshTokens()).isZero();
    }

    @Test
    void anAccountNotRefreshedForTwoLeadWindows_alertsOnce_asStale_andOnceWhenItRecovers() {
        String id = system.liveAccount("stale");
        provider.failNext(RefreshGrants.Fault.SERVER_ERROR);
        assertThat(system.runSchedule().path("failed").asInt()).isEqualTo(1);
        assertThat(system.alerts(Duration.ofSeconds(2))).isEmpty();

        // the 30-minute token expired an hour ago: two lead windows without a successful refresh
        system.clock.advance(Duration.ofMinutes(91));
        provider.failNext(RefreshGrants.Fault.SERVER_ERROR);
        system.runSchedule();
        system.clock.advance(Duration.ofMinutes(3));
        system.runSchedule();

        List<JsonNode> alerts = system.alerts(Duration.ofSeconds(3));
        assertThat(alerts).extracting(a -> a.path("kind").asText()).containsExactly("stale", "recovered");
        assertThat(alerts.getFirst().path("what").asText()).contains("two lead windows");
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");
    }

    @Test
    void grantWithoutTheInferenceScope_storesTheRotatedTokens_andAsksForAttention_notDead() {
        // issue 17: the grant carries the only copy of the rotated refresh token; discarding it killed the account
        String id = system.liveAccount("scopeless");
        provider.grantedScope("user:profile");

        JsonNode run = system.runSchedule();

        assertThat(run.path("dead").asInt()).isZero();
        assertThat(run.path("refreshed").asInt()).isEqualTo(1);
        Map<String, AttributeValue> after = system.account(id);
        assertThat(after.get(Accounts.ATTENTION_REASON).s()).isEqualTo("scope_missing_inference");
        assertThat(after).containsKey(Accounts.ATTENTION_AT).doesNotContainKey(Accounts.REAUTH_REASON);
        assertThat(after.get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
        assertThat(system.decryptTokens(id, after).scope()).contains("user:profile");
        assertThat(system.alerts(Duration.ofSeconds(3)))
                .filteredOn(a -> a.path("kind").asText().equals("attention"))
                .singleElement()
                .satisfies(a -> assertThat(a.path("what").asText()).contains("user:inference"));
        // the stored refresh token is the provider's newest: the next refresh redeems it, nothing reused; it
        // asks for the scopes the account was granted (issue 18), so the mark stays until a login grants inference
        provider.grantedScope(null);
        system.clock.advance(Duration.ofMinutes(1)); // past REFRESH_MIN_INTERVAL
        assertThat(json(system.refreshNow(id, null)).toString()).doesNotContain("reauth_required");
        assertThat(provider.reusedRefreshTokens()).isZero();
        assertThat(system.account(id).get(Accounts.ATTENTION_REASON).s()).isEqualTo("scope_missing_inference");
        assertThat(system.pasteCode(system.startAndLogIn("scopeless").pasted()).getStatusCode())
                .isEqualTo(200);
        assertThat(system.account(id))
                .doesNotContainKeys(Accounts.ATTENTION_REASON, Accounts.ATTENTION_AT, Accounts.ROTATION_UNCERTAIN_AT);
    }

    @Test
    void listShowsEachAccountsRefreshHealth() {
        String id = system.liveAccount("watched");
        system.runSchedule();

        JsonNode account = null;
        for (JsonNode a : json(system.listAccounts()).path("accounts")) {
            if (a.path("id").asText().equals(id)) {
                account = a;
            }
        }

        assertThat(account).isNotNull();
        assertThat(account.path("lastRefreshResult").asText()).isEqualTo("ok");
        assertThat(account.path("refreshCount").asLong()).isEqualTo(1);
        assertThat(account.path("refreshFailures").asLong()).isZero();
        assertThat(account.path("lastRefreshAt").asText()).isNotBlank();
        assertThat(account.path("requiresReauth").asBoolean()).isFalse();
    }

    private List<JsonNode> fleetEvents() {
        List<JsonNode> events = new ArrayList<>();
        system.receive(Duration.ofSeconds(3)).forEach(m -> {
            JsonNode envelope = parse(m.body());
            events.add(parse(envelope.path("Message").asText()));
        });
        return events;
    }

    private static JsonNode parse(String text) {
        try {
            return ReauthSystem.JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
