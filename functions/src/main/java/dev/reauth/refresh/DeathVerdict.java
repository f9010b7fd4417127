package dev.reauth.refresh;

import java.time.Instant;

/**
 * Decides, at the one place the refresher would mark an account dead, whether it is dead now. The
 * plain verdict marks it at once; {@link GraceDeathVerdict} first gives a proxy's agent a moment to
 * hand over tokens the proxy got by refreshing on its own.
 */
@FunctionalInterface
public interface DeathVerdict {

    /**
     * Marks the leased account dead with {@code reason}, unless it turns out not to be.
     *
     * @return true when the account is now marked dead by this call; false when its tokens moved (the
     *         refresh token that was refused was not the current one), so nobody is told it died
     */
    boolean markDead(LeasedAccount account, String reason, Instant now);

    /** The verdict without a grace window: the ledger's conditional dead mark. */
    static DeathVerdict immediate(RefreshLedger ledger) {
        return ledger::markDead;
    }
}
