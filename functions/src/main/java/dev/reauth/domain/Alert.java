package dev.reauth.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * A message for a person: which account, what happened and since when, and the exact fix. The
 * factories build {@code what} and {@code fix} from the account's state at sending time
 * ({@link AlertState}): whether its access token expired, what proxies do now, what to do.
 *
 * @param kind what happened, also the subject line's key
 */
public record Alert(Kind kind, String accountId, String accountName, Instant since, String what, String fix) {

    /** The kinds of alert, each sent once until the account is healthy again (recovery once after). */
    public enum Kind {
        DEAD("dead", "needs re-authentication"),
        FAILING("failing", "refresh failing"),
        STALE("stale", "not refreshed for two lead windows"),
        RECOVERED("recovered", "healthy again"),
        SECOND_REFRESHER("second_refresher", "refreshed by a proxy itself (a second refresher)"),
        ATTENTION("attention", "refreshed, but needs a look"),
        /** The refresh token nears its absolute deadline: sent daily until a re-authentication. */
        EXPIRING("expiring", "refresh token expires soon: log in again"),
        /** The provider suspended the account: no link, since a login will not help. */
        ON_HOLD("on_hold", "suspended by the provider (on hold)"),
        /** The provider refuses the stack's client itself: one alert for the whole stack, not one per account. */
        CONFIGURATION("configuration", "the provider refuses this stack's OAuth client"),
        /** Tokens handed back (adopted) belong to another provider account than the account's: refused. */
        ADOPTION_REFUSED("adoption_refused", "refused tokens of another provider account");

        private final String wire;
        private final String summary;

        Kind(String wire, String summary) {
            this.wire = wire;
            this.summary = summary;
        }

        public String wire() {
            return wire;
        }

        public String summary() {
            return summary;
        }
    }

    /** The refresh token is dead: {@code cause} says why (one sentence), {@code fix} how to log in again. */
    public static Alert dead(
            String accountId, String accountName, Instant now, String reason, String cause, String fix) {
        return new Alert(
                Kind.DEAD, accountId, accountName, now, cause + " " + new AlertState.Dead(reason).proxies(), fix);
    }

    /** Refreshes keep failing; the text follows the account's state (still serving, expired, on hold). */
    public static Alert failing(
            String accountId,
            String accountName,
            Instant since,
            AlertState state,
            int failures,
            String lastResult,
            Instant retryAt) {
        String relogin = relogin(accountName);
        String fix = switch (state) {
            case AlertState.Serving serving ->
                "Usually none: reauth keeps trying. If it still fails when the access token expires ("
                        + serving.expiresAt() + "): " + relogin;
            case AlertState.Expired expired ->
                "Check the provider's status page; reauth keeps trying. If refreshes keep failing: " + relogin;
            case AlertState.OnHold onHold ->
                "Resolve the hold with the provider; reauth refreshes the account again once it is lifted.";
            default -> "Usually none: reauth keeps trying. If it persists: " + relogin;
        };
        return new Alert(
                Kind.FAILING,
                accountId,
                accountName,
                since,
                failures + " refreshes in a row failed (last: " + lastResult + "); the next try is at " + retryAt + ". "
                        + state.proxies(),
                fix);
    }

    /** Due for two lead windows without a successful refresh (by then the access token has expired). */
    public static Alert stale(String accountId, String accountName, Instant dueSince, Instant now, Instant expiresAt) {
        AlertState state = AlertState.ofExpiry(Optional.of(expiresAt), now);
        return new Alert(
                Kind.STALE,
                accountId,
                accountName,
                dueSince,
                "No successful refresh for two lead windows. " + state.proxies(),
                "Check that the refresh schedule runs and read the alerts before this one; if refreshes keep failing: "
                        + relogin(accountName));
    }

    /** Healthy again: {@code how} says what fixed it (one clause, without a full stop). */
    public static Alert recovered(String accountId, String accountName, Instant now, String how, long tokenVersion) {
        return new Alert(
                Kind.RECOVERED,
                accountId,
                accountName,
                now,
                how + ". " + new AlertState.Recovered(tokenVersion).proxies() + " reauth keeps it refreshed.",
                "Nothing to do.");
    }

    /** A proxy refreshed the tokens itself, and reauth adopted them. */
    public static Alert secondRefresher(
            String accountId, String accountName, Instant now, long baseVersion, long tokenVersion) {
        return new Alert(
                Kind.SECOND_REFRESHER,
                accountId,
                accountName,
                now,
                "A proxy refreshed the account's tokens itself (token_version " + baseVersion + " to " + tokenVersion
                        + "); reauth adopted them so nobody gets invalid_grant. "
                        + new AlertState.Recovered(tokenVersion).proxies()
                        + " Two refreshers race on single-use refresh tokens and can kill the account.",
                "Turn off the proxy's own token refresh (reauth refreshes before expiry), or check that its"
                        + " reauth-agent is running.");
    }

    /**
     * An adoption offered tokens of another provider account: nothing changed. Provider account ids, not
     * email addresses, name both sides: alert readers need not learn whose the accounts are.
     */
    public static Alert adoptionRefused(
            String accountId, String accountName, Instant now, String boundAccountUuid, String offeredAccountUuid) {
        return new Alert(
                Kind.ADOPTION_REFUSED,
                accountId,
                accountName,
                now,
                "A proxy's agent handed over tokens of provider account " + offeredAccountUuid
                        + " for this account, which is bound to provider account " + boundAccountUuid
                        + ". reauth refused them (409 account_mismatch): the account's tokens did not change.",
                "Find the proxy slot that holds another account's tokens: a misconfigured proxy, or a forged"
                        + " event that made an agent write them there. If no proxy explains it, treat the agent's"
                        + " credentials as leaked and replace them.");
    }

    /** The command that logs the account in again, its name quoted for a shell. */
    public static String relogin(String accountName) {
        return "reauth --reauthenticate " + HealthVerdict.shellWord(accountName);
    }

    /** The subject line: short enough for an email subject or a chat preview. */
    public String subject() {
        String subject = "reauth: account '" + accountName + "' " + kind.summary();
        return subject.length() <= 100 ? subject : subject.substring(0, 97) + "...";
    }

    /** The whole message as plain text. */
    public String text() {
        return subject() + "\n\n"
                + "Account:  " + accountName + " (" + accountId + ")\n"
                + "What:     " + what + "\n"
                + "Since:    " + since + "\n"
                + "Fix:      " + fix + "\n";
    }
}
