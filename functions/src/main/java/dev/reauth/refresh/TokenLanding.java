package dev.reauth.refresh;

import dev.reauth.config.RefreshSafety;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.SealedTokens;
import dev.reauth.domain.TokenVault;
import dev.reauth.log.StructuredLog;
import dev.reauth.wire.TokenBundle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Lands the provider's answer, the only copy of a rotated refresh token: seal and compare-and-set,
 * retried with doubling pauses until the landing deadline (the lease's end less its margin, or the
 * run's end), then handed to the rescue queue. Nothing here gives up early, and an interrupt does not
 * stop it: the answer is worth more than the run's schedule.
 */
public final class TokenLanding {

    private static final StructuredLog LOG = StructuredLog.of(TokenLanding.class);
    /** The longest pause between attempts, as a multiple of the first. */
    private static final int MAX_PAUSE_FACTOR = 8;

    /** How a landing ended. */
    public sealed interface Result {
        /** Written: the account holds the new tokens at {@code tokenVersion}. */
        record Committed(long tokenVersion) implements Result {}

        /** Not written: newer tokens (a re-authentication or an adoption) stand. */
        record Superseded() implements Result {}

        /** Not written in time: kept in the rescue queue for the next run. */
        record Rescued() implements Result {}

        /** Not written and not rescued: logged as lost (the next refresh will meet invalid_grant). */
        record Lost() implements Result {}
    }

    private final RefreshLedger ledger;
    private final TokenVault vault;
    private final Optional<TokenRescue> rescue;
    private final RefreshSafety safety;
    private final Clock clock;

    public TokenLanding(
            RefreshLedger ledger, TokenVault vault, Optional<TokenRescue> rescue, RefreshSafety safety, Clock clock) {
        this.ledger = ledger;
        this.vault = vault;
        this.rescue = rescue;
        this.safety = safety;
        this.clock = clock;
    }

    /** Whether a rescue queue is configured (without one, nothing can be pending). */
    public boolean rescues() {
        return rescue.isPresent();
    }

    /** When a refresh claimed at {@code claimedAt} must have landed: its lease's end less the margin, or the run's end. */
    public Instant landBy(Instant claimedAt, Duration lease, Instant runDeadline) {
        Instant leaseEnd = claimedAt.plus(lease).minus(safety.leaseMargin());
        return leaseEnd.isBefore(runDeadline) ? leaseEnd : runDeadline;
    }

    /** Seals and commits under the lease, retrying until {@code landBy} less the rescue's own reserve; then rescues. */
    public Result land(
            LeasedAccount account,
            TokenBundle next,
            Instant expiresAt,
            boolean rotated,
            Optional<String> attention,
            Instant landBy) {
        return land(account, next, expiresAt, Optional.empty(), rotated, attention, landBy);
    }

    /**
     * As above, also storing the refresh token's absolute deadline when the answer gave one (a rescued
     * answer lands without it: the next refresh's answer brings it again).
     */
    public Result land(
            LeasedAccount account,
            TokenBundle next,
            Instant expiresAt,
            Optional<Instant> refreshTokenExpiresAt,
            boolean rotated,
            Optional<String> attention,
            Instant landBy) {
        Instant stopAt = landBy.minus(safety.rescueReserve());
        Duration pause = safety.retryBackoff();
        Duration maxPause = pause.multipliedBy(MAX_PAUSE_FACTOR);
        byte[] ciphertext = null;
        boolean interrupted = false;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    if (ciphertext == null) {
                        ciphertext = vault.seal(account.id(), next);
                    }
                    OptionalLong version = ledger.commit(
                            account,
                            new SealedTokens(ciphertext, expiresAt, Optional.empty(), refreshTokenExpiresAt),
                            rotated,
                            attention,
                            clock.instant());
                    return version.isPresent() ? new Result.Committed(version.getAsLong()) : new Result.Superseded();
                } catch (ReauthException.DependencyFailed e) {
                    String step = ciphertext == null ? "seal" : "commit";
                    if (!clock.instant().plus(pause).isBefore(stopAt)) {
                        LOG.error("refresh.landing_out_of_time", e, "attempts", attempt, "step", step);
                        return rescue(account, next, expiresAt, rotated, attention);
                    }
                    LOG.warn(
                            "refresh.landing_retry", "attempt", attempt, "step", step, "pauseMillis", pause.toMillis());
                    interrupted |= pause(pause);
                    pause = pause.multipliedBy(2).compareTo(maxPause) > 0 ? maxPause : pause.multipliedBy(2);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private Result rescue(
            LeasedAccount account, TokenBundle next, Instant expiresAt, boolean rotated, Optional<String> attention) {
        if (rescue.isEmpty()) {
            LOG.error("refresh.tokens_lost", null, "why", "no rescue queue configured (RESCUE_QUEUE_URL)");
            return new Result.Lost();
        }
        Instant rescuedAt = clock.instant();
        try {
            rescue.get()
                    .deposit(new RescuedTokens(
                            account.id(),
                            account.name(),
                            account.tokenVersion(),
                            account.leaseOwner(),
                            next,
                            expiresAt,
                            rotated,
                            attention,
                            rescuedAt));
            LOG.warn("refresh.tokens_rescued", "tokenVersion", account.tokenVersion());
        } catch (ReauthException.DependencyFailed e) {
            LOG.error("refresh.tokens_lost", e, "why", "the rescue queue refused them too");
            return new Result.Lost();
        }
        notePending(ledger, account.id(), account.tokenVersion(), rescuedAt);
        return new Result.Rescued();
    }

    /**
     * Reports, best-effort, that the account's newest tokens wait in the rescue queue: DynamoDB may be
     * the reason they do, and the rescue drain writes the note again while they wait.
     */
    static void notePending(RefreshLedger ledger, String accountId, long baseVersion, Instant rescuedAt) {
        try {
            ledger.noteRescuePending(accountId, baseVersion, rescuedAt);
        } catch (ReauthException.DependencyFailed e) {
            LOG.warn("rescue.note_failed", "errorType", e.getClass().getSimpleName());
        }
    }

    /** Sleeps; true when interrupted (the pause is cut short, the landing goes on). */
    private static boolean pause(Duration pause) {
        try {
            Thread.sleep(pause);
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }
}
