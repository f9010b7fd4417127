package dev.reauth.link;

import dev.reauth.config.LinkSettings;
import java.time.Instant;
import java.util.Optional;

/**
 * A stored re-auth link: never the token, only its hash, and the one account it may re-authenticate.
 *
 * @param current     the account's link pointer names this link (a newer link or a revoke clears that)
 * @param starts      re-authentications started through it
 * @param completions completions attempted through it (a wrong code counts)
 */
public record LinkRecord(
        String hash,
        String accountId,
        String accountName,
        Instant createdAt,
        Instant expiresAt,
        long starts,
        long completions,
        Optional<Instant> spentAt,
        boolean current) {

    /** The status at {@code now}, under these bounds; a used link stays used, whatever else is true. */
    public LinkStatus statusAt(Instant now, LinkSettings settings) {
        if (spentAt.isPresent()) {
            return LinkStatus.USED;
        }
        if (!current) {
            return LinkStatus.REVOKED;
        }
        if (!now.isBefore(expiresAt)) {
            return LinkStatus.EXPIRED;
        }
        if (starts >= settings.maxStarts() || completions >= settings.maxCompletions()) {
            return LinkStatus.EXHAUSTED;
        }
        return LinkStatus.ACTIVE;
    }
}
