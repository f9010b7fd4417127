package dev.reauth.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the accounts table records about an account's refreshes and its standing, for the health
 * verdict ({@link HealthVerdict}): the last success and the last attempt apart, the failures in a row,
 * the retry time and the lease, why it requires re-authentication, and the states the provider or the
 * refresher can put it in (on hold, needing a look, refresh-token deadline, uncertain rotation, rescue
 * pending).
 *
 * @param lastRefreshAt         the last successful refresh (or the last token write, when none yet)
 * @param lastResult            the last attempt's result: {@code ok}, {@code provider_error}, {@code dead}, ...
 * @param lastAttemptAt         when the last refresh attempt started (claimed the lease)
 * @param nextRefreshAt         after a failure: the earliest the refresher tries again
 * @param leaseUntil            a refresh in flight holds the account until then
 * @param recentAlerts          the alerts sent since the account was last healthy, newest first
 * @param refreshTokenExpiresAt when the provider stops honouring the refresh token
 * @param onHoldAt              the provider suspended the account (present while it is on hold)
 * @param attentionReason       tokens are stored but a person must look (for example {@code scope_changed})
 * @param rotationUncertainAt   a refresh whose answer was lost: the provider may have rotated
 * @param rescuePendingAt       the newest tokens wait in the rescue queue since then, not yet in the table
 */
public record RefreshHealth(
        Optional<Instant> lastRefreshAt,
        Optional<String> lastResult,
        long consecutiveFailures,
        long refreshCount,
        Optional<String> reauthReason,
        Optional<Instant> reauthRequiredAt,
        Optional<Instant> lastAttemptAt,
        Optional<Instant> nextRefreshAt,
        Optional<Instant> leaseUntil,
        List<NotedAlert> recentAlerts,
        Optional<Instant> refreshTokenExpiresAt,
        Optional<Instant> onHoldAt,
        Optional<String> attentionReason,
        Optional<Instant> attentionAt,
        Optional<Instant> rotationUncertainAt,
        Optional<Instant> rescuePendingAt) {

    public static final RefreshHealth NONE =
            new RefreshHealth(Optional.empty(), Optional.empty(), 0, 0, Optional.empty(), Optional.empty());

    public RefreshHealth {
        recentAlerts = List.copyOf(recentAlerts);
    }

    /** The refresh facts alone, as an account that was never on hold, flagged or in flight has them. */
    public RefreshHealth(
            Optional<Instant> lastRefreshAt,
            Optional<String> lastResult,
            long consecutiveFailures,
            long refreshCount,
            Optional<String> reauthReason,
            Optional<Instant> reauthRequiredAt) {
        this(
                lastRefreshAt,
                lastResult,
                consecutiveFailures,
                refreshCount,
                reauthReason,
                reauthRequiredAt,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /** An alert sent for the account: its kind ({@link Alert.Kind#wire()}) and, when recorded, when. */
    public record NotedAlert(String kind, Optional<Instant> at) {}
}
