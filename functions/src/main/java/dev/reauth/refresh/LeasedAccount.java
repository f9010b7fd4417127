package dev.reauth.refresh;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * An account this refresher holds the refresh lease on, as the claim returned it: everything the
 * refresh needs, so it reads nothing else. {@link #toString()} hides the ciphertext.
 *
 * @param leaseOwner  this refresher's lease id; every later write is conditioned on it
 * @param failures    consecutive failed refreshes before this one
 * @param alertsSent  alerts sent since the account was last healthy
 * @param lastHealthyAt the last successful refresh, else when the tokens were last written
 * @param expiresAt   when the access token being refreshed expires, for alerts that say so
 */
public record LeasedAccount(
        String id,
        String name,
        long tokenVersion,
        byte[] ciphertext,
        String leaseOwner,
        int failures,
        Set<String> alertsSent,
        Optional<Instant> lastHealthyAt,
        Optional<Instant> expiresAt) {

    /** An account whose access token expiry was not read. */
    public LeasedAccount(
            String id,
            String name,
            long tokenVersion,
            byte[] ciphertext,
            String leaseOwner,
            int failures,
            Set<String> alertsSent,
            Optional<Instant> lastHealthyAt) {
        this(id, name, tokenVersion, ciphertext, leaseOwner, failures, alertsSent, lastHealthyAt, Optional.empty());
    }

    @Override
    public String toString() {
        return "LeasedAccount[id=" + id + ", tokenVersion=" + tokenVersion + ", ciphertext=***]";
    }
}
