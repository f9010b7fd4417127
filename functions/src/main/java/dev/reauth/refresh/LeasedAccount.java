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
 */
public record LeasedAccount(
        String id,
        String name,
        long tokenVersion,
        byte[] ciphertext,
        String leaseOwner,
        int failures,
        Set<String> alertsSent,
        Optional<Instant> lastHealthyAt) {

    @Override
    public String toString() {
        return "LeasedAccount[id=" + id + ", tokenVersion=" + tokenVersion + ", ciphertext=***]";
    }
}
