package dev.reauth.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * How an account's refreshes are going, for operators: the last success and the last result, the
 * failures in a row, the refreshes so far, why it requires re-authentication when it does, and
 * when its refresh token stops working whatever is refreshed (the provider's absolute deadline).
 */
public record RefreshHealth(
        Optional<Instant> lastRefreshAt,
        Optional<String> lastResult,
        long consecutiveFailures,
        long refreshCount,
        Optional<String> reauthReason,
        Optional<Instant> reauthRequiredAt,
        Optional<Instant> refreshTokenExpiresAt) {

    public static final RefreshHealth NONE = new RefreshHealth(
            Optional.empty(), Optional.empty(), 0, 0, Optional.empty(), Optional.empty(), Optional.empty());

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
                Optional.empty());
    }
}
