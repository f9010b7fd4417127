package dev.reauth.refresh;

import java.time.Duration;
import java.time.Instant;

/** What one refresh of one account came to. */
public sealed interface RefreshOutcome {

    /** This refresher rotated the tokens. */
    record Refreshed(long tokenVersion, Instant expiresAt) implements RefreshOutcome {}

    /** Nothing to do: someone else refreshed, or one did within the minimum interval. */
    record Current(long tokenVersion) implements RefreshOutcome {}

    /** Another refresher holds the lease (a scheduled run moves on; an on-demand caller waits). */
    record InFlight(long tokenVersion) implements RefreshOutcome {}

    /** The account requires re-authentication. */
    record Dead(long tokenVersion, String reason) implements RefreshOutcome {}

    /** The provider failed or refused for a reason that may pass; tried again at {@code retryAt}. */
    record Failed(String result, int consecutiveFailures, Instant retryAt) implements RefreshOutcome {}

    /** The provider asked to slow down. */
    record Throttled(Duration retryAfter) implements RefreshOutcome {}
}
