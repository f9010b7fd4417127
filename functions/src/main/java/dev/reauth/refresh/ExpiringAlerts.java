package dev.reauth.refresh;

import dev.reauth.domain.Alert;
import dev.reauth.domain.AlertPublisher;
import dev.reauth.domain.AlertState;
import dev.reauth.domain.ReauthException;
import dev.reauth.link.IssuedLink;
import dev.reauth.link.LinkIssuer;
import dev.reauth.log.StructuredLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Warns a person, days ahead and then once a day, about every account whose refresh token nears the
 * absolute deadline the provider gave it: refreshing does not extend that deadline, only a new login
 * does, so without a warning every account dies once a month. Each alert carries a fresh one-time
 * link. A re-authentication stores the new deadline and clears the warning mark, which stops them.
 */
public final class ExpiringAlerts {

    private static final StructuredLog LOG = StructuredLog.of(ExpiringAlerts.class);
    /** The warning repeats this often until the account is re-authenticated. */
    static final Duration REPEAT = Duration.ofDays(1);

    private final RefreshTokenDeadlines deadlines;
    private final AlertPublisher alerts;
    private final Optional<LinkIssuer> links;
    private final Duration warning;
    private final Clock clock;

    /**
     * @param warning how long before the deadline the first warning goes out (EXPIRING_WARNING)
     * @param links issues the one-time link each warning carries (none: the alert names the command only)
     */
    public ExpiringAlerts(
            RefreshTokenDeadlines deadlines,
            AlertPublisher alerts,
            Optional<LinkIssuer> links,
            Duration warning,
            Clock clock) {
        this.deadlines = deadlines;
        this.alerts = alerts;
        this.links = links;
        this.warning = warning;
        this.clock = clock;
    }

    /**
     * Sends today's warnings. Never throws: a failure is logged and the next scheduled run tries again.
     *
     * @return how many accounts were warned about
     */
    public int run() {
        Instant now = clock.instant();
        Instant warnedBefore = now.minus(REPEAT);
        int warned = 0;
        try {
            for (RefreshTokenDeadlines.ExpiringAccount account :
                    deadlines.findExpiring(now.plus(warning), warnedBefore)) {
                if (warn(account, warnedBefore, now)) {
                    warned++;
                }
            }
        } catch (ReauthException failure) {
            LOG.error("expiring.run_failed", failure);
        }
        if (warned > 0) {
            LOG.info("expiring.warned", "accounts", warned);
        }
        return warned;
    }

    private boolean warn(RefreshTokenDeadlines.ExpiringAccount account, Instant warnedBefore, Instant now) {
        StructuredLog.putContext("accountId", account.id());
        Optional<RefreshTokenDeadlines.ClaimedWarning> claimed =
                deadlines.claimWarning(account.id(), account.refreshTokenExpiresAt(), warnedBefore, now);
        if (claimed.isEmpty()) {
            return false;
        }
        try {
            alerts.publish(Alert.expiring(
                    account.id(),
                    account.name(),
                    now,
                    account.refreshTokenExpiresAt(),
                    AlertState.ofExpiry(claimed.get().accessTokenExpiresAt(), now),
                    fix(account)));
            return true;
        } catch (RuntimeException failure) {
            LOG.error("alert.failed", failure, "kind", Alert.Kind.EXPIRING.wire());
            deadlines.releaseWarning(account.id(), now);
            return false;
        }
    }

    private String fix(RefreshTokenDeadlines.ExpiringAccount account) {
        String command = Alert.relogin(account.name());
        if (links.isEmpty()) {
            return command;
        }
        try {
            IssuedLink link = links.get().issue(account.id(), account.name(), "refresher");
            return "open " + link.url() + " (a one-time re-auth link for this account only, valid until "
                    + link.expiresAt() + "), or run: " + command;
        } catch (ReauthException failure) {
            LOG.error("link.issue_failed", failure);
            return command;
        }
    }
}
