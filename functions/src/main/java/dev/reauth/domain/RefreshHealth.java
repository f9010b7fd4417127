package dev.reauth.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * How an account's refreshes are going, for operators: the last success and the last result, the
 * failures in a row, the refreshes so far, and why it requires re-authentication when it does.
 */
public record RefreshHealth(
        Optional<Instant> lastRefreshAt,
        Optional<String> lastResult,
        long consecutiveFailures,
        long refreshCount,
        Optional<String> reauthReason,
        Optional<Instant> reauthRequiredAt) {

    public static final RefreshHealth NONE =
            new RefreshHealth(Optional.empty(), Optional.empty(), 0, 0, Optional.empty(), Optional.empty());
}
