package dev.reauth.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each alert kind's exact text in each state the account can be in when it is sent. */
class AlertTextTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final Instant RETRY = NOW.plus(Duration.ofMinutes(4));
    private static final Instant HEALTHY = NOW.minus(Duration.ofMinutes(50));

    private static Alert failing(AlertState state) {
        return Alert.failing("acct-1", "work", HEALTHY, state, 3, "provider_error", RETRY);
    }

    @Test
    void failing_beforeExpiry_saysProxiesKeepUsingItUntilWhen() {
        Alert alert = failing(AlertState.ofExpiry(Optional.of(NOW.plus(Duration.ofMinutes(40))), NOW));

        assertThat(alert.text()).isEqualTo("""
                        reauth: account 'work' refresh failing

                        Account:  work (acct-1)
                        What:     3 refreshes in a row failed (last: provider_error); the next try is at 2026-12-02T12:04:00Z.\
                         Proxies keep using the account until its access token expires at 2026-12-02T12:40:00Z (in 40m).
                        Since:    2026-12-02T11:10:00Z
                        Fix:      Usually none: reauth keeps trying. If it still fails when the access token expires\
                         (2026-12-02T12:40:00Z): reauth --reauthenticate work
                        """);
    }

    @Test
    void failing_afterExpiry_saysProxiesCannotUseIt_neverThatItStillServes() {
        Alert alert = failing(AlertState.ofExpiry(Optional.of(NOW.minus(Duration.ofMinutes(3))), NOW));

        assertThat(alert.what())
                .isEqualTo(
                        "3 refreshes in a row failed (last: provider_error); the next try is at 2026-12-02T12:04:00Z."
                                + " Its access token expired at 2026-12-02T11:57:00Z (3m ago): proxies cannot use the account"
                                + " until a refresh succeeds.")
                .doesNotContain("still serves", "keep using");
        assertThat(alert.fix())
                .isEqualTo("Check the provider's status page; reauth keeps trying. If refreshes keep failing:"
                        + " reauth --reauthenticate work");
    }

    @Test
    void failing_atTheMomentOfExpiry_countsAsExpired() {
        assertThat(failing(AlertState.ofExpiry(Optional.of(NOW), NOW)).what())
                .endsWith("Its access token expired at 2026-12-02T12:00:00Z (0s ago): proxies cannot use the account"
                        + " until a refresh succeeds.");
    }

    @Test
    void failing_onHold_saysTheHoldStopsTheProxies_andTheFixIsTheProviders() {
        Alert alert = failing(new AlertState.OnHold(NOW.minus(Duration.ofHours(1))));

        assertThat(alert.what())
                .isEqualTo(
                        "3 refreshes in a row failed (last: provider_error); the next try is at 2026-12-02T12:04:00Z."
                                + " The provider put the account on hold at 2026-12-02T11:00:00Z: proxies do not use it until the"
                                + " hold is lifted.");
        assertThat(alert.fix())
                .isEqualTo("Resolve the hold with the provider; reauth refreshes the account again once it is lifted.");
    }

    @Test
    void failing_withNoExpiryRecorded_saysSo() {
        assertThat(failing(AlertState.ofExpiry(Optional.empty(), NOW)).what())
                .endsWith(
                        "Proxies keep using the account until its access token expires (reauth has no expiry recorded).");
    }

    @Test
    void dead_saysProxiesHaveStopped_andThatOnlyALoginHelps_withNoDanglingUntilThen() {
        Alert alert = Alert.dead(
                "acct-1",
                "work",
                NOW,
                "invalid_grant",
                "The provider refused the refresh token (invalid_grant).",
                "reauth --reauthenticate work");

        assertThat(alert.text()).isEqualTo("""
                        reauth: account 'work' needs re-authentication

                        Account:  work (acct-1)
                        What:     The provider refused the refresh token (invalid_grant). Proxies have stopped using the\
                         account (invalid_grant); only a login brings it back.
                        Since:    2026-12-02T12:00:00Z
                        Fix:      reauth --reauthenticate work
                        """);
        assertThat(alert.what()).doesNotContain("until then");
    }

    @Test
    void stale_afterExpiry_saysWhenItExpired_andAsksAboutTheSchedule() {
        Instant expiredAt = NOW.minus(Duration.ofMinutes(60));
        Alert alert = Alert.stale("acct-1", "work", expiredAt.minus(Duration.ofMinutes(60)), NOW, expiredAt);

        assertThat(alert.text()).isEqualTo("""
                        reauth: account 'work' not refreshed for two lead windows

                        Account:  work (acct-1)
                        What:     No successful refresh for two lead windows. Its access token expired at\
                         2026-12-02T11:00:00Z (1h 0m ago): proxies cannot use the account until a refresh succeeds.
                        Since:    2026-12-02T10:00:00Z
                        Fix:      Check that the refresh schedule runs and read the alerts before this one; if refreshes\
                         keep failing: reauth --reauthenticate work
                        """);
    }

    @Test
    void recovered_byARefresh_andByALogin_sayProxiesUseTheNewTokensNow() {
        assertThat(Alert.recovered("acct-1", "work", NOW, "Refreshed successfully again", 7)
                        .text())
                .isEqualTo("""
                        reauth: account 'work' healthy again

                        Account:  work (acct-1)
                        What:     Refreshed successfully again. Proxies use the new tokens now (token_version 7). reauth\
                         keeps it refreshed.
                        Since:    2026-12-02T12:00:00Z
                        Fix:      Nothing to do.
                        """);
        assertThat(Alert.recovered("acct-1", "work", NOW, "Re-authenticated as ops@example.com", 8)
                        .what())
                .isEqualTo("Re-authenticated as ops@example.com. Proxies use the new tokens now (token_version 8)."
                        + " reauth keeps it refreshed.");
    }

    @Test
    void secondRefresher_saysTheTokensWereAdopted_andWhatToTurnOff() {
        Alert alert = Alert.secondRefresher("acct-1", "work", NOW, 4, 5);

        assertThat(alert.what())
                .isEqualTo(
                        "A proxy refreshed the account's tokens itself (token_version 4 to 5); reauth adopted them so"
                                + " nobody gets invalid_grant. Proxies use the new tokens now (token_version 5). Two refreshers"
                                + " race on single-use refresh tokens and can kill the account.");
        assertThat(alert.fix())
                .isEqualTo("Turn off the proxy's own token refresh (reauth refreshes before expiry), or check that its"
                        + " reauth-agent is running.");
    }

    @Test
    void theFixQuotesANameTheShellWouldSplit() {
        assertThat(Alert.relogin("team a's")).isEqualTo("reauth --reauthenticate 'team a'\\''s'");
    }
}
