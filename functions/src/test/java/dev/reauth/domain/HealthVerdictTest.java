package dev.reauth.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.domain.Health.State;
import dev.reauth.oauth.AccountMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each state of the verdict, judged with the stack's settings (here: lead 20 min, every 5 minutes). */
class HealthVerdictTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final HealthRules RULES = new HealthRules(
            Duration.ofMinutes(20), Duration.ofMinutes(5), Duration.ofSeconds(30), 3, Duration.ofDays(7));

    private static Optional<Instant> at(Duration fromNow) {
        return Optional.of(NOW.plus(fromNow));
    }

    private static Duration min(long minutes) {
        return Duration.ofMinutes(minutes);
    }

    /** Refreshed 30 min ago, expiring in 1 h: the plain healthy account the cases below change. */
    private static Facts refreshed() {
        return new Facts();
    }

    private static final class Facts {
        Optional<Instant> expiresAt = at(min(60));
        boolean requiresReauth;
        Optional<String> reauthReason = Optional.empty();
        Optional<Instant> reauthAt = Optional.empty();
        Optional<Instant> lastSuccess = at(min(-30));
        Optional<Instant> lastAttempt = at(min(-30));
        Optional<String> lastResult = Optional.of("ok");
        long failures;
        Optional<Instant> nextRefreshAt = Optional.empty();
        Optional<Instant> leaseUntil = Optional.empty();
        Optional<Instant> refreshTokenExpiresAt = Optional.empty();
        Optional<Instant> onHoldAt = Optional.empty();
        Optional<String> attention = Optional.empty();
        Optional<Instant> uncertainAt = Optional.empty();
        Optional<Instant> rescuePendingAt = Optional.empty();

        Health judge() {
            return judge(RULES);
        }

        Health judge(HealthRules rules) {
            return HealthVerdict.judge(
                    new AccountStatus(
                            "acct-1",
                            "work",
                            AccountMode.MAX,
                            expiresAt,
                            requiresReauth,
                            4,
                            at(min(-30)),
                            Optional.empty(),
                            new RefreshHealth(
                                    lastSuccess,
                                    lastResult,
                                    failures,
                                    9,
                                    reauthReason,
                                    reauthAt,
                                    lastAttempt,
                                    nextRefreshAt,
                                    leaseUntil,
                                    List.of(),
                                    refreshTokenExpiresAt,
                                    onHoldAt,
                                    attention,
                                    attention.map(a -> NOW.minus(min(3))),
                                    uncertainAt,
                                    rescuePendingAt)),
                    NOW,
                    rules);
        }
    }

    @Test
    void healthy_whenRefreshedAndTheNextRefreshIsAhead_withDueTimeFromTheStacksLead() {
        Health health = refreshed().judge();

        assertThat(health.state()).isEqualTo(State.HEALTHY);
        assertThat(health.reasons()).isEmpty();
        assertThat(health.summary()).isEqualTo("refreshed 30m ago; next refresh due in 40m");
        assertThat(health.fix()).isEmpty();
        assertThat(health.nextDueAt()).isEqualTo(at(min(40)));
        assertThat(health.lastSuccessAt()).isEqualTo(at(min(-30)));
        assertThat(health.lastAttemptAt()).isEqualTo(at(min(-30)));
        assertThat(health.lastAttemptResult()).contains("ok");
    }

    @Test
    void healthy_withAOneMinuteTokenAndAFiveSecondSchedule_whereAClientsSixtyMinuteLeadSawItOverdue() {
        Facts facts = refreshed();
        facts.expiresAt = Optional.of(NOW.plusSeconds(50));
        facts.lastSuccess = Optional.of(NOW.minusSeconds(10));
        facts.lastAttempt = facts.lastSuccess;
        HealthRules local = new HealthRules(
                Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(30), 3, Duration.ofDays(7));

        Health health = facts.judge(local);

        assertThat(health.state()).isEqualTo(State.HEALTHY);
        assertThat(health.nextDueAt()).contains(NOW.plusSeconds(30));
    }

    @Test
    void withASpread_theAccountIsDueAtItsPlaceInIt_andNotOverdueWhileItWaitsThere() {
        // lead 60 min, spread 30: acct-1 enters the window 1 min ago and starts at its own place in the spread
        HealthRules spread = new HealthRules(
                Duration.ofMinutes(60), Duration.ofMinutes(5), Duration.ofSeconds(30), 3, Duration.ofDays(7), min(30));
        Instant start = RefreshSpread.startAt("acct-1", NOW.plus(min(59)), min(60), min(30));
        Facts facts = refreshed();
        facts.expiresAt = at(min(59));

        Health health = facts.judge(spread);

        assertThat(health.nextDueAt()).contains(start);
        assertThat(start).isBetween(NOW.minus(min(1)), NOW.plus(min(29)));
        assertThat(health.reasons()).doesNotContain("refresh_overdue");
    }

    @Test
    void refreshing_whenDue_untilTwoSchedulePeriodsHavePassed_thenAttentionOverdue() {
        Facts facts = refreshed();
        facts.expiresAt = at(min(19));
        Health due = facts.judge();
        assertThat(due.state()).isEqualTo(State.REFRESHING);
        assertThat(due.reasons()).containsExactly("due");
        assertThat(due.summary()).isEqualTo("due for refresh: the schedule takes it within 5m");

        facts.expiresAt = at(min(10));
        Health stillDue = facts.judge();
        assertThat(stillDue.state()).isEqualTo(State.REFRESHING);

        facts.expiresAt = at(min(9).minusSeconds(59));
        Health overdue = facts.judge();
        assertThat(overdue.state()).isEqualTo(State.ATTENTION);
        assertThat(overdue.reasons()).containsExactly("refresh_overdue");
        assertThat(overdue.summary())
                .isEqualTo(
                        "access token expires in 8m and was due for refresh 11m ago (is the refresh schedule running?)");
        assertThat(overdue.fix()).contains("check that the refresh schedule runs (RefreshSchedule, every 5m)");
    }

    @Test
    void dueTime_waitsForTheMinimumIntervalAndTheBackoff() {
        Facts facts = refreshed();
        facts.expiresAt = at(min(10)); // in the lead window since 10 minutes
        facts.lastAttempt = Optional.of(NOW.minusSeconds(10));
        facts.failures = 1;
        facts.lastResult = Optional.of("provider_error");
        facts.nextRefreshAt = at(min(2));

        Health health = facts.judge();

        assertThat(health.state()).isEqualTo(State.REFRESHING);
        assertThat(health.reasons()).containsExactly("retrying");
        assertThat(health.nextDueAt()).isEqualTo(at(min(2)));
        assertThat(health.summary())
                .isEqualTo("1 refresh in a row failed (last: provider_error); the next try is due in 2m");
        assertThat(health.lastSuccessAt()).isEqualTo(at(min(-30)));
        assertThat(health.lastAttemptAt()).contains(NOW.minusSeconds(10));
        assertThat(health.lastAttemptResult()).contains("provider_error");
    }

    @Test
    void refreshing_whileARefreshHoldsTheLease() {
        Facts facts = refreshed();
        facts.expiresAt = at(min(15));
        facts.leaseUntil = at(min(1));

        assertThat(facts.judge().reasons()).containsExactly("refresh_in_flight");
        assertThat(facts.judge().state()).isEqualTo(State.REFRESHING);
    }

    @Test
    void attention_atTheThirdFailureInARow_stillServingTokens() {
        Facts facts = refreshed();
        facts.failures = 3;
        facts.lastResult = Optional.of("provider_error");
        facts.nextRefreshAt = at(min(4));

        Health health = facts.judge();

        assertThat(health.state()).isEqualTo(State.ATTENTION);
        assertThat(health.reasons()).containsExactly("refresh_failing");
        assertThat(health.summary()).isEqualTo("3 refreshes in a row failed (last: provider_error)");
        assertThat(health.fix())
                .contains("usually none: reauth keeps trying; if it persists: reauth --reauthenticate work");
    }

    @Test
    void attention_whenTheAccessTokenExpired() {
        Facts facts = refreshed();
        facts.expiresAt = at(min(-125));

        Health health = facts.judge();

        assertThat(health.state()).isEqualTo(State.ATTENTION);
        assertThat(health.reasons()).containsExactly("expired");
        assertThat(health.summary()).isEqualTo("access token expired 2h 5m ago; proxies cannot use the account");
    }

    @Test
    void attention_whenTheRefresherFlaggedTheAccount_orARotationIsUncertain() {
        Facts flagged = refreshed();
        flagged.attention = Optional.of("scope_changed");
        Health scope = flagged.judge();
        assertThat(scope.state()).isEqualTo(State.ATTENTION);
        assertThat(scope.reasons()).containsExactly("scope_changed");
        assertThat(scope.summary()).isEqualTo("flagged for a person 3m ago; its tokens still serve");

        Facts uncertain = refreshed();
        uncertain.uncertainAt = at(min(-2));
        Health lost = uncertain.judge();
        assertThat(lost.state()).isEqualTo(State.ATTENTION);
        assertThat(lost.reasons()).containsExactly("rotation_uncertain");
    }

    @Test
    void rescuePending_isReauthsOwnWorkForTwoSchedulePeriods_thenAsksAPersonToLookAtKmsAndDynamo() {
        Facts waiting = refreshed();
        waiting.rescuePendingAt = at(min(-4));
        Health fresh = waiting.judge();
        assertThat(fresh.state()).isEqualTo(State.REFRESHING);
        assertThat(fresh.reasons()).containsExactly("rescue_pending");
        assertThat(fresh.summary())
                .isEqualTo("its newest tokens wait in the rescue queue since 4m ago, not yet in the table;"
                        + " the next refresh run lands them");
        assertThat(fresh.fix()).isEmpty();

        // RULES: every 5 minutes, so two periods are 10 minutes
        waiting.rescuePendingAt = at(min(-11));
        Health stuck = waiting.judge();
        assertThat(stuck.state()).isEqualTo(State.ATTENTION);
        assertThat(stuck.reasons()).containsExactly("rescue_pending");
        assertThat(stuck.summary()).contains("since 11m ago").contains("refresh runs have not landed them");
        assertThat(stuck.fix()).hasValueSatisfying(fix -> assertThat(fix).contains("KMS and DynamoDB"));
    }

    @Test
    void rescuePending_onAnAccountMarkedDead_isReportedBesideTheDeadMark_theRescueLandsOnItsVersion() {
        Facts dead = refreshed();
        dead.requiresReauth = true;
        dead.reauthReason = Optional.of("invalid_grant");
        dead.rescuePendingAt = at(min(-1));

        Health health = dead.judge();

        assertThat(health.state()).isEqualTo(State.DEAD);
        assertThat(health.reasons()).containsExactly("invalid_grant", "rescue_pending");
    }

    @Test
    void expiring_whenTheRefreshTokenStopsWorkingWithinAWeek_deadOnceItHas() {
        Facts facts = refreshed();
        facts.refreshTokenExpiresAt = at(Duration.ofDays(3).plusHours(4));
        Health soon = facts.judge();
        assertThat(soon.state()).isEqualTo(State.EXPIRING);
        assertThat(soon.reasons()).containsExactly("refresh_token_expiring");
        assertThat(soon.summary()).isEqualTo("its refresh token stops working in 3d 4h; log in again before then");
        assertThat(soon.fix()).contains("reauth --reauthenticate work");

        facts.refreshTokenExpiresAt = at(Duration.ofDays(8));
        assertThat(facts.judge().state()).isEqualTo(State.HEALTHY);

        facts.refreshTokenExpiresAt = at(min(-1));
        Health gone = facts.judge();
        assertThat(gone.state()).isEqualTo(State.DEAD);
        assertThat(gone.reasons()).containsExactly("refresh_token_expired");
        assertThat(gone.nextDueAt()).isEmpty();
    }

    @Test
    void onHold_whenTheProviderSuspendedIt_withNoRefreshDue() {
        Facts facts = refreshed();
        facts.onHoldAt = at(min(-90));
        facts.expiresAt = at(min(-5)); // not refreshed while on hold: not a second finding

        Health health = facts.judge();

        assertThat(health.state()).isEqualTo(State.ON_HOLD);
        assertThat(health.reasons()).containsExactly("on_hold");
        assertThat(health.summary())
                .isEqualTo("the provider put the account on hold 1h 30m ago; proxies do not use it");
        assertThat(health.nextDueAt()).isEmpty();
    }

    @Test
    void dead_whenItRequiresReauthentication_withItsReasonAndTheFix() {
        Facts facts = refreshed();
        facts.requiresReauth = true;
        facts.reauthReason = Optional.of("rotation_lost");
        facts.reauthAt = at(min(-3));
        facts.lastResult = Optional.of("dead");
        facts.expiresAt = at(min(-1));

        Health health = facts.judge();

        assertThat(health.state()).isEqualTo(State.DEAD);
        assertThat(health.reasons()).containsExactly("rotation_lost");
        assertThat(health.summary()).isEqualTo("requires re-authentication since 3m ago; proxies do not use it");
        assertThat(health.fix()).contains("reauth --reauthenticate work");
        assertThat(health.nextDueAt()).isEmpty();
    }

    @Test
    void dead_whenReauthHoldsNoTokens() {
        Facts facts = refreshed();
        facts.expiresAt = Optional.empty();

        Health health = facts.judge();

        assertThat(health.state()).isEqualTo(State.DEAD);
        assertThat(health.reasons()).containsExactly("no_tokens");
    }

    @Test
    void theMostUrgentStateWins_andEveryReasonIsListed_mostUrgentFirst() {
        Facts facts = refreshed();
        facts.failures = 4;
        facts.lastResult = Optional.of("provider_error");
        facts.refreshTokenExpiresAt = at(Duration.ofDays(2));
        facts.onHoldAt = at(min(-1));

        Health health = facts.judge();

        assertThat(health.state()).isEqualTo(State.ON_HOLD);
        assertThat(health.reasons()).containsExactly("on_hold", "refresh_token_expiring");
        assertThat(health.fix()).contains("resolve the hold with the provider; reauth refreshes it again once lifted");
    }

    @Test
    void aNameAShellWouldSplit_isQuotedInTheFix() {
        Facts facts = refreshed();
        facts.expiresAt = Optional.empty();
        Health health = HealthVerdict.judge(
                new AccountStatus(
                        "acct-2",
                        "Bob's work",
                        AccountMode.MAX,
                        Optional.empty(),
                        false,
                        0,
                        Optional.empty(),
                        Optional.empty(),
                        RefreshHealth.NONE),
                NOW,
                RULES);

        assertThat(health.fix()).contains("reauth --reauthenticate 'Bob'\\''s work'");
    }
}
