package dev.reauth.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.config.RefreshSafety;
import dev.reauth.config.RefreshSettings;
import dev.reauth.domain.Account;
import dev.reauth.domain.AccountId;
import dev.reauth.domain.Alert;
import dev.reauth.domain.InMemoryBackend;
import dev.reauth.domain.InMemoryLedger;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.TokenVault;
import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.TokenResponse;
import dev.reauth.wire.TokenBundle;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider's answer is the only copy (issue 17): a refresh that got new tokens lands them through
 * KMS and DynamoDB hiccups, rescues them through an outage, names a lost answer, and keeps 2xx
 * answers reauth dislikes. Over in-memory ports with scaled-down timings.
 */
class ProviderAnswerSurvivesTest {

    private static final String ID = "acct-1";
    /** Scaled down: 100 ms provider and AWS calls, 10 ms first retry pause, a 3 s function and a 4 s lease. */
    private static final RefreshSafety SAFETY = new RefreshSafety(
            Duration.ofMillis(100),
            Duration.ofMillis(100),
            Duration.ofMillis(50),
            Duration.ofMillis(10),
            Duration.ofMillis(100),
            Duration.ofSeconds(3),
            Duration.ofSeconds(4),
            Optional.empty());

    private static final RefreshSettings SETTINGS = new RefreshSettings(
            "refresh-index",
            1,
            Duration.ofMinutes(60),
            2,
            Duration.ofSeconds(4),
            Duration.ZERO,
            Duration.ofSeconds(1),
            Optional.empty());

    private final Clock clock = Clock.systemUTC();
    private final InMemoryBackend backend = new InMemoryBackend();
    private final InMemoryLedger ledger = new InMemoryLedger(backend);
    private final FlakyVault vault = new FlakyVault();
    private final QueueRescue rescue = new QueueRescue();
    private final AtomicInteger providerCalls = new AtomicInteger();

    @BeforeEach
    void anAccountReauthKeepsAlive() {
        backend.seed(ID, "work", AccountMode.MAX, 4);
        ledger.keepAlive(ID, bundle("at-0", "rt-0", "user:inference"), clock.instant());
        backend.sealed.put(ID, vault.seal(ID, bundle("at-0", "rt-0", "user:inference")));
        vault.sealFailures.set(0);
    }

    private RefreshService service(Optional<TokenRescue> withRescue) {
        return new RefreshService(
                ledger,
                vault,
                backend,
                backend,
                backend,
                SETTINGS,
                List.of("user:inference"),
                clock,
                Optional.empty(),
                SAFETY,
                new TokenLanding(ledger, vault, withRescue, SAFETY, clock),
                DeathVerdict.immediate(ledger));
    }

    private RefreshOutcome refreshOnDemand(RefreshService service) {
        return service.refresh(new AccountId(ID), OptionalLong.empty(), RefreshService.Trigger.ON_DEMAND);
    }

    private void providerRotatesTo(String access, String refresh, String scope) {
        backend.refreshEndpoint = token -> {
            providerCalls.incrementAndGet();
            return new TokenResponse.Granted(bundle(access, refresh, scope), Duration.ofHours(8));
        };
    }

    @Test
    void kmsRefusingTheSeal_aFewTimes_isRetried_untilTheRotatedTokensLand() {
        providerRotatesTo("at-1", "rt-1", "user:inference");
        vault.sealFailures.set(3);

        RefreshOutcome outcome = refreshOnDemand(service(Optional.empty()));

        assertThat(outcome).isInstanceOf(RefreshOutcome.Refreshed.class);
        assertThat(stored().refreshToken()).isEqualTo("rt-1");
        assertThat(vault.sealAttempts.get()).isGreaterThanOrEqualTo(5); // the seed, 3 refusals, 1 success
        assertThat(backend.alerts).noneMatch(a -> a.kind() == Alert.Kind.DEAD);
    }

    @Test
    void kmsDownPastTheLandingDeadline_rescuesTheTokens_andTheNextRunLandsThemBeforeAnyProviderCall() {
        providerRotatesTo("at-1", "rt-1", "user:inference");
        vault.sealFailures.set(Integer.MAX_VALUE);

        RefreshOutcome first = refreshOnDemand(service(Optional.of(rescue)));

        assertThat(first)
                .isInstanceOfSatisfying(
                        RefreshOutcome.Failed.class,
                        failed -> assertThat(failed.result()).isEqualTo("tokens_rescued"));
        assertThat(stored().refreshToken()).as("not landed yet").isEqualTo("rt-0");
        assertThat(rescue.queue).hasSize(1);
        assertThat(rescue.queue.values().iterator().next().toString()).doesNotContain("rt-1", "at-1");
        Instant rescuedAt = rescue.queue.values().iterator().next().rescuedAt();
        assertThat(ledger.rescuePending).as("reported while it waits").containsEntry(ID, rescuedAt);

        // KMS is back: the next run drains the rescue first, then finds the account current
        vault.sealFailures.set(0);
        int callsBefore = providerCalls.get();
        ScheduledRefresh.Summary run = new ScheduledRefresh(
                        ledger,
                        service(Optional.of(rescue)),
                        SETTINGS,
                        SAFETY.perRefreshBudget(),
                        clock,
                        Optional.of(new RescueDrain(rescue, vault, ledger, backend, clock)),
                        SAFETY.functionTimeout())
                .run(clock.instant().plusSeconds(2));

        assertThat(run.rescueLanded()).isEqualTo(1);
        assertThat(run.rescuePending()).isZero();
        assertThat(stored().refreshToken()).isEqualTo("rt-1");
        assertThat(backend.accounts.get(ID).tokenVersion()).isEqualTo(5);
        assertThat(rescue.queue).isEmpty();
        assertThat(ledger.rescuePending).as("landed: no longer reported").doesNotContainKey(ID);
        assertThat(backend.redeemedRefreshTokens).doesNotHaveDuplicates().doesNotContain("rt-1");
        assertThat(providerCalls.get())
                .as("no provider call before the rescue landed")
                .isEqualTo(callsBefore);
    }

    @Test
    void aRescueWhileTheStoreIsStillDown_staysPending_andIsCounted() {
        providerRotatesTo("at-1", "rt-1", "user:inference");
        vault.sealFailures.set(Integer.MAX_VALUE);
        refreshOnDemand(service(Optional.of(rescue)));

        RescueDrain.Drained drained = new RescueDrain(rescue, vault, ledger, backend, clock).drain();

        assertThat(drained).isEqualTo(new RescueDrain.Drained(0, 1, 0, Set.of(ID)));
        assertThat(rescue.queue).hasSize(1);
        // the deposit's note was lost (DynamoDB may be down then): the drain that leaves it pending writes it again
        Instant rescuedAt = rescue.queue.values().iterator().next().rescuedAt();
        ledger.rescuePending.clear();
        new RescueDrain(rescue, vault, ledger, backend, clock).drain();
        assertThat(ledger.rescuePending).containsEntry(ID, rescuedAt);
    }

    @Test
    void aScheduledRunThatRescues_countsThatRescueAsPending_inItsOwnSummary() {
        providerRotatesTo("at-1", "rt-1", "user:inference");
        vault.sealFailures.set(Integer.MAX_VALUE);

        ScheduledRefresh.Summary run = new ScheduledRefresh(
                        ledger,
                        service(Optional.of(rescue)),
                        SETTINGS,
                        SAFETY.perRefreshBudget(),
                        clock,
                        Optional.of(new RescueDrain(rescue, vault, ledger, backend, clock)),
                        SAFETY.functionTimeout())
                .run(clock.instant().plusSeconds(2));

        assertThat(rescue.queue).hasSize(1);
        assertThat(run.failed()).isEqualTo(1);
        assertThat(run.rescuePending())
                .as("nothing was queued before the run: the one it deposited")
                .isEqualTo(1);
        assertThat(ledger.rescuePending).containsKey(ID);
    }

    @Test
    void aRescueMadeMootByNewerTokens_isDropped_andNoLongerReported() {
        providerRotatesTo("at-1", "rt-1", "user:inference");
        vault.sealFailures.set(Integer.MAX_VALUE);
        refreshOnDemand(service(Optional.of(rescue)));
        assertThat(ledger.rescuePending).containsKey(ID);
        // a re-authentication wrote newer tokens meanwhile, and the note was written again after it
        // (by a drain that read the old version): the moot rescue takes its own note away
        vault.sealFailures.set(0);
        Instant rescuedAt = ledger.rescuePending.get(ID);
        Account old = backend.accounts.get(ID);
        backend.accounts.put(ID, new Account(ID, old.name(), old.mode(), old.tokenVersion() + 1, false));
        backend.sealed.put(ID, vault.seal(ID, bundle("at-2", "rt-2", "user:inference")));
        ledger.rescuePending.put(ID, rescuedAt);

        RescueDrain.Drained drained = new RescueDrain(rescue, vault, ledger, backend, clock).drain();

        assertThat(drained).isEqualTo(new RescueDrain.Drained(0, 0, 1));
        assertThat(ledger.rescuePending).doesNotContainKey(ID);
        assertThat(backend.accounts.get(ID).tokenVersion())
                .as("the moot rescue did not land")
                .isEqualTo(5);
        assertThat(stored().refreshToken()).isEqualTo("rt-2");
    }

    @Test
    void aTimeoutAfterSending_marksTheRotationUncertain_andTheNextInvalidGrantIsRotationLost() {
        backend.refreshEndpoint = token -> {
            throw new ReauthException.ProviderFailed("did not answer in time", null, true);
        };
        RefreshOutcome lost = refreshOnDemand(service(Optional.empty()));
        assertThat(lost)
                .isInstanceOfSatisfying(
                        RefreshOutcome.Failed.class,
                        failed -> assertThat(failed.result()).isEqualTo("provider_answer_lost"));
        assertThat(ledger.uncertain).containsKey(ID);

        backend.refreshEndpoint = token -> new TokenResponse.Refused(400, "invalid_grant");
        RefreshOutcome dead = refreshOnDemand(service(Optional.empty()));

        assertThat(dead).isEqualTo(new RefreshOutcome.Dead(4, RefreshService.ROTATION_LOST));
        assertThat(ledger.deadReasons).containsEntry(ID, "rotation_lost");
        assertThat(backend.alerts)
                .filteredOn(a -> a.kind() == Alert.Kind.DEAD)
                .singleElement()
                .satisfies(alert ->
                        assertThat(alert.what()).contains("the provider rotated and its answer never arrived"));
    }

    @Test
    void aRevokedToken_withNoLostAnswerOnRecord_staysInvalidGrant() {
        backend.refreshEndpoint = token -> new TokenResponse.Refused(400, "invalid_grant");

        RefreshOutcome dead = refreshOnDemand(service(Optional.empty()));

        assertThat(dead).isEqualTo(new RefreshOutcome.Dead(4, "invalid_grant"));
        assertThat(backend.alerts)
                .singleElement()
                .satisfies(alert -> assertThat(alert.what()).doesNotContain("never arrived"));
    }

    @Test
    void aProviderUnreachableBeforeSending_isAnOrdinaryFailure_notAnUncertainRotation() {
        backend.refreshEndpoint = token -> {
            throw new ReauthException.ProviderFailed("could not be reached", null, false);
        };

        RefreshOutcome outcome = refreshOnDemand(service(Optional.empty()));

        assertThat(outcome)
                .isInstanceOfSatisfying(
                        RefreshOutcome.Failed.class,
                        failed -> assertThat(failed.result()).isEqualTo("provider_error"));
        assertThat(ledger.uncertain).doesNotContainKey(ID);
    }

    @Test
    void aLeaseLeftByADeadRefresher_isNotRefreshedOver_untilARunDrainedTheRescueQueueAfterIt() {
        Instant now = clock.instant();
        // a refresher claimed 10 s ago with a 1 s lease and died: its lease is still on the account
        ledger.claim(
                ID, OptionalLong.empty(), "dead-refresher", now.minusSeconds(10), Duration.ofSeconds(1), Duration.ZERO);
        providerRotatesTo("at-1", "rt-1", "user:inference");

        RefreshOutcome onDemand = refreshOnDemand(service(Optional.of(rescue)));

        assertThat(onDemand)
                .isInstanceOfSatisfying(
                        RefreshOutcome.Failed.class,
                        failed -> assertThat(failed.result()).isEqualTo("previous_refresh_unfinished"));
        assertThat(providerCalls.get()).isZero();
        assertThat(ledger.uncertain).containsEntry(ID, now.minusSeconds(9));

        // a run that drained after that lease ended refreshes; had the provider rotated, it would say rotation_lost
        backend.refreshEndpoint = token -> new TokenResponse.Refused(400, "invalid_grant");
        RefreshOutcome scheduled = service(Optional.of(rescue))
                .refresh(
                        new AccountId(ID),
                        OptionalLong.empty(),
                        RefreshService.Trigger.SCHEDULED,
                        clock.instant().plusSeconds(1),
                        Optional.of(clock.instant()));
        assertThat(scheduled).isEqualTo(new RefreshOutcome.Dead(4, RefreshService.ROTATION_LOST));
    }

    @Test
    void aGrantWithoutAnAccessToken_redeemsTheNewRefreshTokenOnceMore_andStoresThatAnswer() {
        List<String> redeemed = new ArrayList<>();
        backend.refreshEndpoint = token -> {
            redeemed.add(token);
            return token.equals("rt-0")
                    ? new TokenResponse.Granted(bundle("", "rt-1", "user:inference"), Duration.ofHours(8))
                    : new TokenResponse.Granted(bundle("at-2", "rt-2", "user:inference"), Duration.ofHours(8));
        };

        RefreshOutcome outcome = refreshOnDemand(service(Optional.empty()));

        assertThat(outcome).isInstanceOf(RefreshOutcome.Refreshed.class);
        assertThat(redeemed).containsExactly("rt-0", "rt-1");
        assertThat(stored().accessToken()).isEqualTo("at-2");
        assertThat(stored().refreshToken()).isEqualTo("rt-2");
    }

    @Test
    void aGrantWithoutAnAccessToken_twice_keepsTheNewRefreshToken_andAsksForAttention() {
        backend.refreshEndpoint = token -> token.equals("rt-0")
                ? new TokenResponse.Granted(bundle("", "rt-1", "user:inference"), Duration.ofHours(8))
                : new TokenResponse.Granted(bundle("", "rt-2", "user:inference"), Duration.ofHours(8));

        refreshOnDemand(service(Optional.empty()));

        // the second answer's refresh token is lost with its missing access token; the first one is the
        // best reauth holds, and the account is flagged, never silently emptied
        assertThat(stored().refreshToken()).isEqualTo("rt-1");
        assertThat(stored().accessToken()).isEqualTo("at-0");
        assertThat(ledger.attention).containsEntry(ID, RefreshService.ACCESS_TOKEN_MISSING);
    }

    @Test
    void aGrantWithoutTheInferenceScope_storesTheTokens_andFlagsAttention_notDead() {
        providerRotatesTo("at-1", "rt-1", "user:profile");

        RefreshOutcome outcome = refreshOnDemand(service(Optional.empty()));

        assertThat(outcome).isInstanceOf(RefreshOutcome.Refreshed.class);
        assertThat(stored().refreshToken()).isEqualTo("rt-1");
        assertThat(backend.accounts.get(ID).requiresReauth()).isFalse();
        assertThat(ledger.attention).containsEntry(ID, RefreshService.SCOPE_MISSING_INFERENCE);
        assertThat(backend.alerts).extracting(Alert::kind).containsExactly(Alert.Kind.ATTENTION);
    }

    private TokenBundle stored() {
        return vault.open(ID, backend.sealed.get(ID));
    }

    private static TokenBundle bundle(String access, String refresh, String scope) {
        return new TokenBundle(access, refresh, "Bearer", Optional.of(scope), Optional.empty());
    }

    /** A vault whose seal fails while {@code sealFailures} is positive; each ciphertext names its own bundle. */
    private static final class FlakyVault implements TokenVault {
        final AtomicInteger sealFailures = new AtomicInteger();
        final AtomicInteger sealAttempts = new AtomicInteger();
        private final Map<String, TokenBundle> bundles = new ConcurrentHashMap<>();

        @Override
        public byte[] seal(String accountId, TokenBundle bundle) {
            sealAttempts.incrementAndGet();
            if (sealFailures.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0) {
                throw new ReauthException.DependencyFailed("KMS is unavailable", null);
            }
            String ciphertext = "ct-" + sealAttempts.get();
            bundles.put(ciphertext, bundle);
            return ciphertext.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public TokenBundle open(String accountId, byte[] ciphertext) {
            return bundles.get(new String(ciphertext, StandardCharsets.UTF_8));
        }
    }

    /** A rescue queue in memory: received messages stay until settled. */
    private static final class QueueRescue implements TokenRescue {
        final Map<String, RescuedTokens> queue = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();

        @Override
        public void deposit(RescuedTokens tokens) {
            queue.put("m-" + ids.incrementAndGet(), tokens);
        }

        @Override
        public List<Pending> receive(int max) {
            return queue.entrySet().stream()
                    .limit(max)
                    .map(e -> new Pending(e.getValue(), e.getKey()))
                    .toList();
        }

        @Override
        public void settle(Pending pending) {
            queue.remove(pending.receipt());
        }

        @Override
        public void release(Pending pending) {
            // received messages stay visible here
        }
    }
}
