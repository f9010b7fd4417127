package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.cli.AccountHealth.Problem;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules of reauth --check: which accounts need a person, and the line that says so. */
class AccountHealthTest {

    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
    private static final Duration LEAD = Duration.ofMinutes(60);

    private static AccountStatus account(
            String name, Optional<Instant> expiresAt, long failures, boolean requiresReauth) {
        return account(name, expiresAt, failures, requiresReauth, Optional.empty());
    }

    private static AccountStatus account(
            String name,
            Optional<Instant> expiresAt,
            long failures,
            boolean requiresReauth,
            Optional<Instant> refreshTokenExpiresAt) {
        return new AccountStatus(
                "id-" + name,
                name,
                "max",
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                3,
                Optional.empty(),
                expiresAt,
                Optional.of(NOW.minus(Duration.ofHours(7))),
                Optional.of(failures > 0 ? "provider_error" : "ok"),
                failures,
                12,
                requiresReauth,
                requiresReauth ? Optional.of("invalid_grant") : Optional.empty(),
                requiresReauth ? Optional.of(NOW.minus(Duration.ofMinutes(125))) : Optional.empty(),
                refreshTokenExpiresAt);
    }

    @Test
    void aRefreshTokenNearItsDeadline_isExpiring_andTheLineSaysWhenAndHowToFixIt() {
        Optional<Instant> fresh = Optional.of(NOW.plus(Duration.ofHours(8)));
        AccountStatus soon = account("work", fresh, 0, false, Optional.of(NOW.plus(Duration.ofHours(50))));
        AccountStatus later = account(
                "home", fresh, 0, false, Optional.of(NOW.plus(Duration.ofDays(3).plusMinutes(1))));
        AccountStatus none = account("old", fresh, 0, false, Optional.empty());

        assertThat(AccountHealth.problems(soon, NOW, LEAD)).containsExactly(AccountHealth.Problem.EXPIRING);
        assertThat(AccountHealth.problems(later, NOW, LEAD)).isEmpty();
        assertThat(AccountHealth.problems(none, NOW, LEAD)).isEmpty();
        assertThat(AccountHealth.describe(soon, AccountHealth.problems(soon, NOW, LEAD), NOW))
                .startsWith("work: refresh token stops working in 2d 2h")
                .endsWith("; fix: reauth --reauthenticate work");
    }

    private static AccountStatus expiringIn(Duration left) {
        return account("work", Optional.of(NOW.plus(left)), 0, false);
    }

    @Test
    void freshAccount_andOneJustEnteringTheLeadWindow_areHealthy() {
        assertThat(AccountHealth.problems(expiringIn(Duration.ofHours(7)), NOW, LEAD))
                .isEmpty();
        // due now: the schedule (every 5 minutes) takes it on its next run; nothing for a person yet
        assertThat(AccountHealth.problems(expiringIn(Duration.ofMinutes(55)), NOW, LEAD))
                .isEmpty();
        assertThat(AccountHealth.problems(expiringIn(Duration.ofMinutes(31)), NOW, LEAD))
                .isEmpty();
    }

    @Test
    void unrefreshedWithinHalfTheLeadWindow_isOverdue() {
        assertThat(AccountHealth.problems(expiringIn(Duration.ofMinutes(30)), NOW, LEAD))
                .containsExactly(Problem.REFRESH_OVERDUE);
        assertThat(AccountHealth.problems(expiringIn(Duration.ofMinutes(12)), NOW, LEAD))
                .containsExactly(Problem.REFRESH_OVERDUE);
        // the lead window is the operator's: with a 2-hour lead, 50 minutes left is overdue
        assertThat(AccountHealth.problems(expiringIn(Duration.ofMinutes(50)), NOW, Duration.ofHours(2)))
                .containsExactly(Problem.REFRESH_OVERDUE);
    }

    @Test
    void expiredAccessToken_isExpired_notOverdue() {
        assertThat(AccountHealth.problems(expiringIn(Duration.ZERO), NOW, LEAD)).containsExactly(Problem.EXPIRED);
        assertThat(AccountHealth.problems(expiringIn(Duration.ofHours(-3)), NOW, LEAD))
                .containsExactly(Problem.EXPIRED);
    }

    @Test
    void threeFailuresInARow_areFailing_twoAreNot() {
        assertThat(AccountHealth.problems(account("a", Optional.of(NOW.plusSeconds(3 * 3600)), 2, false), NOW, LEAD))
                .isEmpty();
        assertThat(AccountHealth.problems(account("a", Optional.of(NOW.plusSeconds(3 * 3600)), 3, false), NOW, LEAD))
                .containsExactly(Problem.REFRESH_FAILING);
    }

    @Test
    void deadAccount_requiresReauth_andItsExpiredTokenIsSaidToo() {
        AccountStatus dead = account("spare", Optional.of(NOW.minus(Duration.ofMinutes(5))), 0, true);

        List<Problem> problems = AccountHealth.problems(dead, NOW, LEAD);

        assertThat(problems).containsExactly(Problem.REQUIRES_REAUTH, Problem.EXPIRED);
        assertThat(AccountHealth.describe(dead, problems, NOW))
                .isEqualTo("spare: requires re-authentication since 2h 5m ago"
                        + " (invalid_grant); access token expired 5m ago; fix: reauth --reauthenticate spare");
    }

    @Test
    void noExpiry_meansNoTokens_unlessTheAccountIsKnownDeadAlready() {
        assertThat(AccountHealth.problems(account("legacy", Optional.empty(), 0, false), NOW, LEAD))
                .containsExactly(Problem.NO_TOKENS);
        assertThat(AccountHealth.problems(account("legacy", Optional.empty(), 0, true), NOW, LEAD))
                .containsExactly(Problem.REQUIRES_REAUTH);
    }

    @Test
    void describe_failingAccount_namesTheLastResult_andNoLoginWhileItStillServes() {
        AccountStatus failing = account("work", Optional.of(NOW.plus(Duration.ofMinutes(20))), 4, false);

        assertThat(AccountHealth.describe(failing, AccountHealth.problems(failing, NOW, LEAD), NOW))
                .isEqualTo(
                        "work: 4 refreshes in a row failed (last: provider_error); access token expires in 20m and is not refreshed yet"
                                + " (is the refresh schedule running?)");
    }

    @Test
    void describe_quotesANameTheShellWouldSplit() {
        AccountStatus spaced = account("team a's", Optional.empty(), 0, false);

        assertThat(AccountHealth.describe(spaced, List.of(Problem.NO_TOKENS), NOW))
                .endsWith("; fix: reauth --reauthenticate 'team a'\\''s'");
    }
}
