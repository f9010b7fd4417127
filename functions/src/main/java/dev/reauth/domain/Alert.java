package dev.reauth.domain;

import java.time.Instant;

/**
 * A message for a person: which account, what happened and since when, and the exact fix.
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
        /** The refresh token nears its absolute deadline: sent daily until a re-authentication. */
        EXPIRING("expiring", "refresh token expires soon: log in again"),
        /** The provider suspended the account: no link, since a login will not help. */
        ON_HOLD("on_hold", "suspended by the provider (on hold)"),
        /** The provider refuses the stack's client itself: one alert for the whole stack, not one per account. */
        CONFIGURATION("configuration", "the provider refuses this stack's OAuth client");

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
