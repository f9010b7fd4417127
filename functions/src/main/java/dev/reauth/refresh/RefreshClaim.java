package dev.reauth.refresh;

import java.time.Instant;
import java.util.Optional;

/** The answer to a claim of an account's refresh lease: held, or why not. */
public sealed interface RefreshClaim {

    /** This refresher holds the lease. */
    record Leased(LeasedAccount account) implements RefreshClaim {}

    /** Someone else holds it, or there is nothing to do; {@code tokenVersion} is the account's current one. */
    record Refused(Reason reason, long tokenVersion, Optional<Instant> leaseUntil) implements RefreshClaim {}

    /** Why a claim was refused. */
    enum Reason {
        /** No such account. */
        GONE,
        /** The account holds no tokens reauth sealed: reauth does not keep it alive. */
        NOT_MANAGED,
        /** The account requires re-authentication: refreshing cannot help. */
        DEAD,
        /** Another refresher holds a live lease: a refresh is in flight. */
        IN_FLIGHT,
        /** The tokens were rotated since the version the caller knew: nothing to do. */
        VERSION_MOVED,
        /** A provider call for this account was made less than the minimum interval ago. */
        TOO_SOON,
        /** No refresh is in flight (what {@link RefreshLedger#current} says when nothing holds the lease). */
        IDLE
    }
}
