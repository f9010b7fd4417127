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
 * @param rotationUncertainSince a provider call whose answer never arrived, when one is on record
 * @param abandonedLeaseUntil the end of a previous lease that expired with no outcome recorded (its
 *                            refresher died or lost the table): its provider call may have rotated
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
        Optional<Instant> rotationUncertainSince,
        Optional<Instant> abandonedLeaseUntil,
        Optional<Instant> expiresAt) {

    /** An account with no uncertain rotation on record and no access token expiry read. */
    public LeasedAccount(
            String id,
            String name,
            long tokenVersion,
            byte[] ciphertext,
            String leaseOwner,
            int failures,
            Set<String> alertsSent,
            Optional<Instant> lastHealthyAt) {
        this(
                id,
                name,
                tokenVersion,
                ciphertext,
                leaseOwner,
                failures,
                alertsSent,
                lastHealthyAt,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /** Since when the provider may have rotated without reauth holding the answer, if it may have. */
    public Optional<Instant> uncertainSince() {
        return rotationUncertainSince.or(() -> abandonedLeaseUntil);
    }

    @Override
    public String toString() {
        return "LeasedAccount[id=" + id + ", tokenVersion=" + tokenVersion + ", ciphertext=***]";
    }
}
