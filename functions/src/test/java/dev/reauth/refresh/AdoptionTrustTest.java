package dev.reauth.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.domain.Account;
import dev.reauth.domain.AccountId;
import dev.reauth.domain.AccountName;
import dev.reauth.domain.Alert;
import dev.reauth.domain.InMemoryBackend;
import dev.reauth.domain.InMemoryLedger;
import dev.reauth.domain.ReauthException;
import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.ProviderIdentity;
import dev.reauth.wire.TokenBundle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Adopted tokens are believed only after the provider's profile endpoint named their owner, and only when
 * that is the account's bound identity; adoptions are rate limited per account; imports record the owner.
 */
class AdoptionTrustTest {

    private static final Instant NOW = Instant.parse("2026-12-02T16:00:00Z");
    private static final ProviderIdentity OWNER =
            new ProviderIdentity("uuid-owner", Optional.of("owner@example.com"), Optional.empty(), Optional.empty());
    private static final ProviderIdentity STRANGER = new ProviderIdentity(
            "uuid-stranger", Optional.of("mallory@example.com"), Optional.empty(), Optional.empty());

    private final MovableClock clock = new MovableClock();
    private final InMemoryBackend backend = new InMemoryBackend();
    private final InMemoryLedger ledger = new InMemoryLedger(backend);
    private final TokenIntake intake = new TokenIntake(
            ledger, backend, backend, backend, backend, clock, new AdoptionTrust(ledger, backend, backend, 3, clock));
    private final Account account = backend.seed("acc-1", "work", AccountMode.MAX, 4);

    AdoptionTrustTest() {
        ledger.keepAlive(account.id(), bundle("at-held", "rt-held"), NOW.plusSeconds(600));
        backend.boundIdentities().put(account.id(), OWNER.accountUuid());
        backend.profiles.put("at-own", OWNER);
        backend.profiles.put("at-stranger", STRANGER);
    }

    @Test
    void adopt_tokensOfTheBoundIdentity_areAdopted() {
        long version = intake.adopt(new AccountId("acc-1"), 4, "at-own", "rt-own", NOW.plusSeconds(3600));

        assertThat(version).isEqualTo(5);
        assertThat(backend.sealedBundles.get("acc-1").accessToken()).isEqualTo("at-own");
        assertThat(backend.profileCalls).containsExactly("at-own");
    }

    @Test
    void adopt_tokensOfAnotherIdentity_are409AccountMismatch_alerted_andChangeNothing() {
        assertThatThrownBy(() ->
                        intake.adopt(new AccountId("acc-1"), 4, "at-stranger", "rt-stranger", NOW.plusSeconds(3600)))
                .isInstanceOfSatisfying(ReauthException.AccountMismatch.class, e -> {
                    assertThat(e.error()).isEqualTo("account_mismatch");
                    assertThat(e.description()).doesNotContain("at-stranger", "rt-stranger", "mallory");
                });

        assertThat(backend.sealedBundles.get("acc-1").accessToken()).isEqualTo("at-held");
        assertThat(ledger.sealed("acc-1").orElseThrow().tokenVersion()).isEqualTo(4);
        assertThat(backend.boundIdentities()).containsEntry("acc-1", "uuid-owner");
        assertThat(backend.published).isEmpty();
        assertThat(backend.alerts).singleElement().satisfies(alert -> {
            assertThat(alert.kind()).isEqualTo(Alert.Kind.ADOPTION_REFUSED);
            assertThat(alert.text()).contains("uuid-stranger", "uuid-owner").doesNotContain("at-stranger", "mallory");
        });
    }

    @Test
    void adopt_whenTheProfileCannotAnswer_is503_andLeavesADeadAccountDead() {
        backend.accounts.put("acc-1", new Account("acc-1", "work", AccountMode.MAX, 4, true));
        backend.profileFails = true;

        assertThatThrownBy(() -> intake.adopt(new AccountId("acc-1"), 4, "at-own", "rt-own", NOW.plusSeconds(3600)))
                .isInstanceOfSatisfying(
                        ReauthException.IdentityUnverified.class,
                        e -> assertThat(e.error()).isEqualTo("identity_unverified"));

        assertThat(backend.accounts.get("acc-1").requiresReauth()).isTrue();
        assertThat(backend.sealedBundles.get("acc-1").accessToken()).isEqualTo("at-held");
        assertThat(backend.alerts).isEmpty();
    }

    @Test
    void adopt_aTokenTheProviderRefuses_is400InvalidToken_andChangesNothing() {
        assertThatThrownBy(() -> intake.adopt(new AccountId("acc-1"), 4, "at-unknown", "rt", NOW.plusSeconds(3600)))
                .isInstanceOfSatisfying(
                        ReauthException.InvalidRequest.class,
                        e -> assertThat(e.error()).isEqualTo("invalid_token"));

        assertThat(ledger.sealed("acc-1").orElseThrow().tokenVersion()).isEqualTo(4);
    }

    @Test
    void adopt_intoAnUnboundAccount_bindsItToTheIdentityTheProviderNamed() {
        backend.boundIdentities().remove("acc-1");

        intake.adopt(new AccountId("acc-1"), 4, "at-stranger", "rt-stranger", NOW.plusSeconds(3600));

        assertThat(backend.boundIdentities()).containsEntry("acc-1", "uuid-stranger");
        // from now on only that identity's tokens are adopted
        assertThatThrownBy(() -> intake.adopt(new AccountId("acc-1"), 5, "at-own", "rt-own", NOW.plusSeconds(3600)))
                .isInstanceOf(ReauthException.AccountMismatch.class);
    }

    @Test
    void adopt_onAStaleVersion_isVersionMoved_withoutAskingTheProvider() {
        assertThatThrownBy(() -> intake.adopt(new AccountId("acc-1"), 3, "at-own", "rt-own", NOW.plusSeconds(3600)))
                .isInstanceOfSatisfying(
                        ReauthException.SessionUsed.class,
                        e -> assertThat(e.error()).isEqualTo("version_moved"));

        assertThat(backend.profileCalls).isEmpty();
    }

    @Test
    void adopt_pastTheLimit_is429WithTheWaitUntilTheWindowReopens_andAsksNobody() {
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(10));
            assertThatThrownBy(() -> intake.adopt(new AccountId("acc-1"), 4, "at-unknown", "rt", NOW))
                    .isInstanceOf(ReauthException.InvalidRequest.class);
        }

        assertThatThrownBy(() -> intake.adopt(new AccountId("acc-1"), 4, "at-own", "rt-own", NOW))
                .isInstanceOfSatisfying(ReauthException.RateLimited.class, e -> {
                    assertThat(e.error()).isEqualTo("rate_limited");
                    // the window opened at the first attempt, 30 s ago
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(40));
                });
        assertThat(backend.profileCalls).hasSize(3);
        assertThat(ledger.sealed("acc-1").orElseThrow().tokenVersion()).isEqualTo(4);

        clock.advance(Duration.ofSeconds(40));
        assertThat(intake.adopt(new AccountId("acc-1"), 4, "at-own", "rt-own", NOW))
                .isEqualTo(5);
    }

    @Test
    void adopt_limitIsPerAccount() {
        Account other = backend.seed("acc-2", "other", AccountMode.MAX, 1);
        ledger.keepAlive(other.id(), bundle("at-x", "rt-x"), NOW.plusSeconds(600));
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> intake.adopt(new AccountId("acc-1"), 4, "at-unknown", "rt", NOW))
                    .isInstanceOf(ReauthException.InvalidRequest.class);
        }

        assertThat(intake.adopt(new AccountId("acc-2"), 1, "at-own", "rt-own", NOW))
                .isEqualTo(2);
    }

    @Test
    void import_recordsTheIdentityTheProviderNames() {
        TokenIntake.Imported imported = intake.importAccount(
                AccountName.forNewAccount("imported"),
                AccountMode.MAX,
                OptionalLong.empty(),
                bundle("at-own", "rt-own"),
                NOW.plusSeconds(3600));

        assertThat(imported.bound()).isTrue();
        assertThat(backend.boundIdentities()).containsEntry(imported.accountId(), "uuid-owner");
    }

    @Test
    void import_whenTheProviderCannotSay_importsTheAccountUnbound() {
        backend.profileFails = true;
        TokenIntake.Imported unreachable = intake.importAccount(
                AccountName.forNewAccount("first"),
                AccountMode.MAX,
                OptionalLong.empty(),
                bundle("at-own", "rt-own"),
                NOW.plusSeconds(3600));
        backend.profileFails = false;
        TokenIntake.Imported refused = intake.importAccount(
                AccountName.forNewAccount("second"),
                AccountMode.MAX,
                OptionalLong.empty(),
                bundle("at-expired", "rt"),
                NOW.plusSeconds(3600));

        assertThat(unreachable.created()).isTrue();
        assertThat(unreachable.bound()).isFalse();
        assertThat(refused.bound()).isFalse();
        assertThat(backend.boundIdentities()).doesNotContainKeys(unreachable.accountId(), refused.accountId());
    }

    private static TokenBundle bundle(String access, String refresh) {
        return new TokenBundle(access, refresh, "Bearer", Optional.of("user:inference"), Optional.empty());
    }

    /** A clock a test moves by hand. */
    private static final class MovableClock extends Clock {
        private Instant now = NOW;

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
