package dev.reauth.link;

import dev.reauth.config.LinkSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Re-auth links at rest: each under the hash of its token, with a pointer per account naming the one
 * link that counts (so a new link or a revoke ends the old one at once). Every use is a conditional write.
 */
public interface LinkStore {

    /** Stores a new link and makes it the account's current one; the old one stops working. */
    void issue(LinkRecord link, Duration keepAfterExpiry);

    /**
     * Ends the account's current link, if any.
     *
     * @return whether a link that had not expired yet was revoked
     */
    boolean revoke(String accountId, Instant now, Duration keepFor);

    /** The link stored under this hash, consistently read, with whether it is still the account's current one. */
    Optional<LinkRecord> find(String hash);

    /**
     * Counts one start against the link: it must be current, unexpired, unspent and below {@code maxStarts}.
     *
     * @throws LinkUnusable when it is not
     */
    void claimStart(LinkRecord link, Instant now, LinkSettings settings);

    /**
     * Counts one completion and holds the link for it until {@code now + lease}: it must be usable, below
     * {@code maxCompletions}, and not held by another completion.
     *
     * @throws LinkUnusable when it is not usable
     * @throws dev.reauth.domain.ReauthException.SessionUsed when another completion holds it
     */
    LinkClaim claimCompletion(LinkRecord link, Instant now, Duration lease, LinkSettings settings);

    /** Marks the link used; the claim's lease ends. */
    void spend(LinkClaim claim, Instant now);

    /** Gives the claim back after a failed completion (best effort: the lease ends by itself). */
    void release(LinkClaim claim);
}
