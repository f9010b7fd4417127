package dev.reauth.link;

import dev.reauth.config.LinkSettings;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A stored re-auth link: never the token, only its hash, and the one account it may re-authenticate.
 *
 * @param current     the account's link pointer names this link (a newer link or a revoke clears that)
 * @param starts      re-authentications started through it
 * @param completions completions attempted through it (a wrong code counts)
 * @param issuedAtVersion the account's token_version when the link was issued (empty for links stored
 *                    before it was recorded): once the account's tokens move past it, the link has ended
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
        boolean current,
        OptionalLong issuedAtVersion) {

    /**
     * Whether a token write (a re-authentication, a refresh, an adoption) happened since the link was
     * issued: the account recovered some other way, so the link has nothing left to do.
     */
    public boolean outlivedBy(long accountTokenVersion) {
        return issuedAtVersion.isPresent() && accountTokenVersion > issuedAtVersion.getAsLong();
    }

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
