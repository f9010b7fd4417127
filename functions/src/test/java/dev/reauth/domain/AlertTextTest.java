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
                                + " hold is lifted and the account is logged in again.");
        assertThat(alert.fix())
                .isEqualTo("Have the account's owner resolve the suspension with the provider; then:"
                        + " reauth --reauthenticate work");
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
    void dead_byALostRotation_namesTheLostAnswer() {
        Alert alert = Alert.dead(
                "acct-1",
                "work",
                NOW,
                "rotation_lost",
                "Rotation lost: the provider rotated and its answer never arrived.",
                "reauth --reauthenticate work");

        assertThat(alert.what())
                .isEqualTo(
                        "Rotation lost: the provider rotated and its answer never arrived. Proxies have stopped using"
                                + " the account (rotation_lost); only a login brings it back.");
    }

    @Test
    void recovered_byAnAdoption_saysNoLoginIsNeeded_andPointsAtTheProxy() {
        assertThat(Alert.recoveredByAdoption("acct-1", "work", NOW, 9).text()).isEqualTo("""
                        reauth: account 'work' healthy again

                        Account:  work (acct-1)
                        What:     A proxy's agent handed over tokens the proxy refreshed itself, so no re-authentication\
                         is needed. Proxies use the new tokens now (token_version 9).
                        Since:    2026-12-02T12:00:00Z
                        Fix:      Nothing to do for this account; see the second_refresher alert about the proxy.
                        """);
    }

    @Test
    void secondRefresher_withALeadInsideBetterCcflaresWindow_saysToRaiseIt() {
        Alert alert = Alert.secondRefresher(
                "acct-1", "work", NOW, 4, 5, Duration.ofHours(24), Duration.ofMinutes(20), Duration.ofMinutes(30));

        assertThat(alert.text()).isEqualTo("""
                        reauth: account 'work' refreshed by a proxy itself (a second refresher)

                        Account:  work (acct-1)
                        What:     A proxy refreshed the account's tokens itself (token_version 4 to 5); reauth adopted\
                         them so nobody gets invalid_grant. Proxies use the new tokens now (token_version 5). Two\
                         refreshers race on single-use refresh tokens and can kill the account. Further adoptions\
                         within 24 h send no more alerts.
                        Since:    2026-12-02T12:00:00Z
                        Fix:      Set the stack's RefreshLead above better-ccflare's PT30M window (it is PT20M; for\
                         example PT45M): better-ccflare refreshes a token within 30 minutes of expiry on its own, and\
                         reauth must refresh first.
                        """);
    }

    @Test
    void secondRefresher_withALeadAboveTheWindow_pointsAtTheClockAndTheAgent() {
        assertThat(Alert.secondRefresher(
                                "acct-1",
                                "work",
                                NOW,
                                4,
                                5,
                                Duration.ofHours(6),
                                Duration.ofMinutes(45),
                                Duration.ofMinutes(30))
                        .fix())
                .isEqualTo("The stack's RefreshLead (PT45M) is above better-ccflare's PT30M window, so the proxy"
                        + " refreshed after a 401 or with a clock ahead of reauth's: check the proxy host's clock, and"
                        + " that its reauth-agent is running (it hands the tokens over).");
    }

    private static final Instant DEADLINE = NOW.plus(Duration.ofDays(2));

    @Test
    void expiring_whileTheAccessTokenServes_saysReauthKeepsItRefreshedUntilTheDeadline() {
        Alert alert = Alert.expiring(
                "acct-1",
                "work",
                NOW,
                DEADLINE,
                AlertState.ofExpiry(Optional.of(NOW.plus(Duration.ofMinutes(40))), NOW),
                "reauth --reauthenticate work");

        assertThat(alert.text()).isEqualTo("""
                        reauth: account 'work' refresh token expires soon: log in again

                        Account:  work (acct-1)
                        What:     Its refresh token stops working at 2026-12-04T12:00:00Z (in 2 days). The provider fixes\
                         that deadline at login and refreshing does not extend it: only a new login does. Until then\
                         reauth keeps the account refreshed and proxies keep using it.
                        Since:    2026-12-02T12:00:00Z
                        Fix:      reauth --reauthenticate work
                        """);
    }

    @Test
    void expiring_afterTheAccessTokenExpired_saysProxiesCannotUseIt_notThatItKeepsServing() {
        Alert alert = Alert.expiring(
                "acct-1",
                "work",
                NOW,
                DEADLINE,
                AlertState.ofExpiry(Optional.of(NOW.minus(Duration.ofMinutes(5))), NOW),
                "reauth --reauthenticate work");

        assertThat(alert.what())
                .isEqualTo("Its refresh token stops working at 2026-12-04T12:00:00Z (in 2 days). The provider fixes"
                        + " that deadline at login and refreshing does not extend it: only a new login does. Its access"
                        + " token expired at 2026-12-02T11:55:00Z (5m ago): proxies cannot use the account until a"
                        + " refresh succeeds.")
                .doesNotContain("keep using", "keeps serving");
    }

    @Test
    void expiring_pastTheDeadline_saysRefreshesFail_andHowLongTheAccessTokenLasts() {
        Instant passed = NOW.minus(Duration.ofHours(1));

        assertThat(Alert.expiring(
                                "acct-1",
                                "work",
                                NOW,
                                passed,
                                AlertState.ofExpiry(Optional.of(NOW.plus(Duration.ofMinutes(30))), NOW),
                                "reauth --reauthenticate work")
                        .what())
                .isEqualTo("Its refresh token stopped working at 2026-12-02T11:00:00Z: refreshes fail from now on, and"
                        + " only a new login brings the account back. Proxies keep using the account until its access"
                        + " token expires at 2026-12-02T12:30:00Z (in 30m).");
        assertThat(Alert.expiring(
                                "acct-1",
                                "work",
                                NOW,
                                passed,
                                AlertState.ofExpiry(Optional.of(NOW.minus(Duration.ofMinutes(30))), NOW),
                                "reauth --reauthenticate work")
                        .what())
                .endsWith("only a new login brings the account back. Its access token expired at 2026-12-02T11:30:00Z"
                        + " (30m ago): proxies cannot use the account until a refresh succeeds.");
    }

    @Test
    void onHold_saysProxiesStopped_thatALoginWillNotHelpYet_andWhoFixesIt() {
        assertThat(Alert.onHold("acct-1", "team a's", NOW).text()).isEqualTo("""
                        reauth: account 'team a's' suspended by the provider (on hold)

                        Account:  team a's (acct-1)
                        What:     The provider suspended the account (account_on_hold). The provider put the account on\
                         hold at 2026-12-02T12:00:00Z: proxies do not use it until the hold is lifted and the account is\
                         logged in again. A new login will not help while the suspension lasts.
                        Since:    2026-12-02T12:00:00Z
                        Fix:      Have the account's owner resolve the suspension with the provider; then: reauth\
                         --reauthenticate 'team a'\\''s'
                        """);
    }

    @Test
    void attention_scopeMissing_saysProxiesGetTokensThatCannotServeInference() {
        assertThat(Alert.scopeMissing("acct-1", "work", NOW, 6).text()).isEqualTo("""
                        reauth: account 'work' refreshed, but needs a look

                        Account:  work (acct-1)
                        What:     The provider granted tokens without the user:inference scope. They are stored (the\
                         refresh token is the only copy) and proxies use them now (token_version 6), but the provider\
                         refuses inference requests made with them.
                        Since:    2026-12-02T12:00:00Z
                        Fix:      reauth --reauthenticate work (log in with an account and client that grant\
                         user:inference)
                        """);
    }

    @Test
    void attention_accessTokenMissing_followsTheOldAccessToken_beforeAndAfterItsExpiry() {
        Alert before = Alert.accessTokenMissing(
                "acct-1", "work", NOW, AlertState.ofExpiry(Optional.of(NOW.plus(Duration.ofMinutes(12))), NOW));
        Alert after = Alert.accessTokenMissing(
                "acct-1", "work", NOW, AlertState.ofExpiry(Optional.of(NOW.minus(Duration.ofMinutes(2))), NOW));

        assertThat(before.what())
                .isEqualTo(
                        "The provider answered a refresh with a new refresh token but no access token, twice. The new"
                                + " refresh token is stored and the next scheduled run refreshes the account again. Proxies keep"
                                + " using the account until its access token expires at 2026-12-02T12:12:00Z (in 12m).");
        assertThat(after.what())
                .endsWith("Its access token expired at 2026-12-02T11:58:00Z (2m ago): proxies cannot use the account"
                        + " until a refresh succeeds.");
        assertThat(after.fix())
                .isEqualTo("Usually none: the next refresh brings an access token. If it keeps happening:"
                        + " reauth --reauthenticate work");
    }

    @Test
    void configuration_namesEveryAccount_andSaysWhatProxiesDoUntilTheClientIsFixed() {
        assertThat(Alert.configuration("stack", NOW, "invalid_client").text()).isEqualTo("""
                        reauth: account '(every account)' the provider refuses this stack's OAuth client

                        Account:  (every account) (stack)
                        What:     The provider's token endpoint refuses this stack's OAuth client (invalid_client): no\
                         account can refresh. Refreshes keep retrying with backoff; nothing is marked dead. Proxies keep\
                         using each account until its access token expires, then cannot until a refresh succeeds.
                        Since:    2026-12-02T12:00:00Z
                        Fix:      Check OAUTH_CLIENT_ID, OAUTH_TOKEN_URL and OAUTH_REDIRECT_URI against the provider's\
                         current values (docs/deploying.md), then update the stack.
                        """);
    }

    @Test
    void theFixQuotesANameTheShellWouldSplit() {
        assertThat(Alert.relogin("team a's")).isEqualTo("reauth --reauthenticate 'team a'\\''s'");
    }
}
