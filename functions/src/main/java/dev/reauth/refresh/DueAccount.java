package dev.reauth.refresh;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** An account the refresh index lists as due: its access token expires within the lead window. */
public record DueAccount(
        String id,
        String name,
        long tokenVersion,
        Instant expiresAt,
        Optional<Instant> nextAttemptAt,
        Optional<Instant> leaseUntil,
        Set<String> alertsSent) {

    /** Whether a run should try it now: not backing off after a failure, and no live lease. */
    public boolean isActionableAt(Instant now) {
        return nextAttemptAt.map(at -> !at.isAfter(now)).orElse(true)
                && leaseUntil.map(at -> at.isBefore(now)).orElse(true);
    }
}
