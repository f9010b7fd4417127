package dev.reauth.domain;

import java.time.Duration;
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
            case AlertState.OnHold onHold -> holdFix(accountName);
            case AlertState.Dead dead -> "Log in again: " + relogin;
            case AlertState.Recovered recovered -> "Nothing to do.";
            case AlertState.ExpiryUnknown unknown -> "Usually none: reauth keeps trying. If it persists: " + relogin;
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

    /** A dead account serves again because reauth adopted tokens a proxy refreshed itself (its agent handed them over). */
    public static Alert recoveredByAdoption(String accountId, String accountName, Instant now, long tokenVersion) {
        return new Alert(
                Kind.RECOVERED,
                accountId,
                accountName,
                now,
                "A proxy's agent handed over tokens the proxy refreshed itself, so no re-authentication is needed. "
                        + new AlertState.Recovered(tokenVersion).proxies(),
                "Nothing to do for this account; see the second_refresher alert about the proxy.");
    }

    /**
     * A proxy refreshed the tokens itself, and reauth adopted them. {@code quiet}: how long further
     * adoptions of the account send no alert; the fix follows the stack's {@code refreshLead} against the
     * {@code proxyRefreshWindow} in which better-ccflare refreshes on its own.
     */
    public static Alert secondRefresher(
            String accountId,
            String accountName,
            Instant now,
            long baseVersion,
            long tokenVersion,
            Duration quiet,
            Duration refreshLead,
            Duration proxyRefreshWindow) {
        String fix = refreshLead.compareTo(proxyRefreshWindow) > 0
                ? "The stack's RefreshLead (" + refreshLead + ") is above better-ccflare's " + proxyRefreshWindow
                        + " window, so the proxy refreshed after a 401 or with a clock ahead of reauth's: check the"
                        + " proxy host's clock, and that its reauth-agent is running (it hands the tokens over)."
                : "Set the stack's RefreshLead above better-ccflare's " + proxyRefreshWindow + " window (it is "
                        + refreshLead + "; for example PT45M): better-ccflare refreshes a token within "
                        + proxyRefreshWindow.toMinutes()
                        + " minutes of expiry on its own, and reauth must refresh first.";
        return new Alert(
                Kind.SECOND_REFRESHER,
                accountId,
                accountName,
                now,
                "A proxy refreshed the account's tokens itself (token_version " + baseVersion + " to " + tokenVersion
                        + "); reauth adopted them so nobody gets invalid_grant. "
                        + new AlertState.Recovered(tokenVersion).proxies()
                        + " Two refreshers race on single-use refresh tokens and can kill the account. Further"
                        + " adoptions within " + quiet.toHours() + " h send no more alerts.",
                fix);
    }

    /**
     * The refresh token nears (or passed) the absolute deadline the provider set at login; {@code state}
     * is the access token's at sending time, {@code fix} the link or command that logs in again.
     */
    public static Alert expiring(
            String accountId, String accountName, Instant now, Instant deadline, AlertState state, String fix) {
        boolean passed = !deadline.isAfter(now);
        String when = passed
                ? "Its refresh token stopped working at " + deadline + ": refreshes fail from now on, and only a"
                        + " new login brings the account back. "
                : "Its refresh token stops working at " + deadline + " (in " + roughly(Duration.between(now, deadline))
                        + "). The provider fixes that deadline at login and refreshing does not extend it: only a"
                        + " new login does. ";
        String proxies = !passed && (state instanceof AlertState.Serving || state instanceof AlertState.ExpiryUnknown)
                ? "Until then reauth keeps the account refreshed and proxies keep using it."
                : state.proxies();
        return new Alert(Kind.EXPIRING, accountId, accountName, now, when + proxies, fix);
    }

    /** The provider suspended the account: proxies were told to stop, and a login does not lift a suspension. */
    public static Alert onHold(String accountId, String accountName, Instant now) {
        return new Alert(
                Kind.ON_HOLD,
                accountId,
                accountName,
                now,
                "The provider suspended the account (account_on_hold). " + new AlertState.OnHold(now).proxies()
                        + " A new login will not help while the suspension lasts.",
                holdFix(accountName));
    }

    /**
     * New tokens were stored, but without the user:inference scope: proxies get them and cannot serve
     * inference requests with them.
     */
    public static Alert scopeMissing(String accountId, String accountName, Instant now, long tokenVersion) {
        return new Alert(
                Kind.ATTENTION,
                accountId,
                accountName,
                now,
                "The provider granted tokens without the user:inference scope. They are stored (the refresh token is"
                        + " the only copy) and proxies use them now (token_version " + tokenVersion + "), but the"
                        + " provider refuses inference requests made with them.",
                relogin(accountName) + " (log in with an account and client that grant user:inference)");
    }

    /**
     * A refresh brought a new refresh token but no access token, twice: the new refresh token is
     * stored and {@code oldAccessToken} is the state of the access token proxies still hold.
     */
    public static Alert accessTokenMissing(
            String accountId, String accountName, Instant now, AlertState oldAccessToken) {
        return new Alert(
                Kind.ATTENTION,
                accountId,
                accountName,
                now,
                "The provider answered a refresh with a new refresh token but no access token, twice. The new refresh"
                        + " token is stored and the next scheduled run refreshes the account again. "
                        + oldAccessToken.proxies(),
                "Usually none: the next refresh brings an access token. If it keeps happening: "
                        + relogin(accountName));
    }

    /** The provider refuses the stack's OAuth client: a fault of the whole stack, so it names every account. */
    public static Alert configuration(String accountId, Instant now, String error) {
        return new Alert(
                Kind.CONFIGURATION,
                accountId,
                "(every account)",
                now,
                "The provider's token endpoint refuses this stack's OAuth client (" + error + "): no account can"
                        + " refresh. Refreshes keep retrying with backoff; nothing is marked dead. Proxies keep using each"
                        + " account until its access token expires, then cannot until a refresh succeeds.",
                "Check OAUTH_CLIENT_ID, OAUTH_TOKEN_URL and OAUTH_REDIRECT_URI against the provider's current"
                        + " values (docs/deploying.md), then update the stack.");
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

    private static String holdFix(String accountName) {
        return "Have the account's owner resolve the suspension with the provider; then: " + relogin(accountName);
    }

    private static String roughly(Duration left) {
        long hours = left.toHours();
        return hours >= 48 ? left.toDays() + " days" : hours >= 1 ? hours + " hours" : left.toMinutes() + " minutes";
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
