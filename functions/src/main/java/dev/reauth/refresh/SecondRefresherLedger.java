package dev.reauth.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The accounts table as the second-refresher rules use it: which accounts a proxy's agent serves, the
 * writes of a held death verdict, and the one alert a proxy that keeps refreshing on its own gets.
 */
public interface SecondRefresherLedger {

    /**
     * Records that an agent serves the account now.
     *
     * @return false when there is no such account (nothing written)
     */
    boolean agentSeen(String accountId, Instant now);

    /** When an agent last said it serves the account; empty when none ever did. */
    Optional<Instant> agentSeenAt(String accountId);

    /**
     * Gives the lease up without a verdict, tokens untouched, so an adoption can land while the verdict is held.
     *
     * @return false when this refresher no longer holds the lease on the version it read
     */
    boolean releaseLease(LeasedAccount account);

    /**
     * Marks the account dead after a held verdict: only while its tokens are still the version that was
     * refused, no other refresh holds the lease, and it is not dead already.
     *
     * @return false when the tokens moved meanwhile (an adoption settled it) or someone else decided first
     */
    boolean markDeadAfterHold(LeasedAccount account, String reason, Instant now);

    /**
     * Records that a proxy refreshed the account on its own now.
     *
     * @return true when it is news: no second refresh of it was seen within {@code quiet} before this one
     *         (then a person is told; a proxy that keeps refreshing on its own is told about once)
     */
    boolean secondRefresherSeen(String accountId, Instant now, Duration quiet);

    /**
     * Records that an agent is trying to hand the proxy's tokens over now (before the adoption's own AWS
     * steps, which may fail and be retried by the agent). Best effort: nothing is recorded by default.
     */
    default void adoptionAttempted(String accountId, Instant now) {}

    /** When an agent last tried to hand tokens over; empty when never (or not recorded). */
    default Optional<Instant> adoptionAttemptedAt(String accountId) {
        return Optional.empty();
    }
}
