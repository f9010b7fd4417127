package dev.reauth.refresh;

import dev.reauth.config.RefreshSafety;
import dev.reauth.domain.ReauthException;
import dev.reauth.log.StructuredLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * A death verdict held for a grace window while a proxy's agent serves the account. A proxy that
 * refreshes on its own (better-ccflare does, within 30 minutes of expiry) spends the refresh token
 * reauth holds, so reauth's next refresh meets {@code invalid_grant} although the account is alive:
 * its agent is about to hand the new tokens over. The verdict gives the lease up (so that adoption can
 * land, it is a compare-and-set on the version) and watches the version for {@code grace}: an adoption
 * settles it with no dead mark and no alert; otherwise the account is marked dead, still only if its
 * tokens are the version that was refused. An agent whose hand-over failed on reauth's own AWS
 * trouble tries again; its attempt is recorded before the adoption's AWS steps, and while one was made
 * during the hold the verdict waits up to {@link #MAX_EXTENSIONS} more windows for it to land.
 *
 * <p>It waits in the refresher's worker rather than recording "dead pending until T" for a later run:
 * the grace is seconds (sized to the agent's detection, about one), the wait happens only on an
 * {@code invalid_grant} of an agent-served account, and a scheduled run refreshes accounts on several
 * workers, so it holds one worker briefly and no other account. A pending mark would instead have the
 * next run redeem the refused refresh token again, and a provider that detects reuse may revoke the
 * tokens the proxy just got.
 */
public final class GraceDeathVerdict implements DeathVerdict {

    /** The refusals a second refresher causes: its refresh spent the token reauth then presented. */
    static final Set<String> HELD_REASONS = Set.of("invalid_grant", "rotation_lost");

    private static final StructuredLog LOG = StructuredLog.of(GraceDeathVerdict.class);
    private static final Duration POLL = Duration.ofMillis(250);
    /**
     * How many more grace windows a verdict waits while an agent's hand-over is under way: the longest
     * hold is {@code (1 + MAX_EXTENSIONS) x grace}, which the refresher's start-up arithmetic counts.
     */
    public static final int MAX_EXTENSIONS = RefreshSafety.HELD_VERDICT_WINDOWS - 1;

    /** Sleeps (a hand-driven clock in tests). */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private final RefreshLedger ledger;
    private final SecondRefresherLedger agents;
    private final Duration grace;
    private final Duration agentFreshness;
    private final Clock clock;
    private final Pause pause;

    /**
     * @param grace          how long the verdict is held; zero marks at once
     * @param agentFreshness an agent seen longer ago than this no longer counts as serving the account
     */
    public GraceDeathVerdict(
            RefreshLedger ledger,
            SecondRefresherLedger agents,
            Duration grace,
            Duration agentFreshness,
            Clock clock,
            Pause pause) {
        this.ledger = ledger;
        this.agents = agents;
        this.grace = grace;
        this.agentFreshness = agentFreshness;
        this.clock = clock;
        this.pause = pause;
    }

    @Override
    public boolean markDead(LeasedAccount account, String reason, Instant now) {
        if (grace.isZero() || !HELD_REASONS.contains(reason) || !agentServes(account.id(), now)) {
            return ledger.markDead(account, reason, now);
        }
        if (!agents.releaseLease(account)) {
            return false; // the tokens or the lease moved: this refusal no longer describes the account
        }
        LOG.info("refresh.verdict_held", "reason", reason, "graceMillis", grace.toMillis());
        Instant heldSince = now;
        Instant until = now.plus(grace);
        int extensions = 0;
        boolean interrupted = false;
        while (true) {
            while (!interrupted && clock.instant().isBefore(until)) {
                try {
                    pause.pause(POLL);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
                if (settledByAdoption(account)) {
                    return false;
                }
            }
            if (interrupted || extensions >= MAX_EXTENSIONS || !handOverUnderWay(account.id(), heldSince)) {
                break;
            }
            extensions++;
            until = clock.instant().plus(grace);
            LOG.info("refresh.verdict_extended_for_adoption", "extension", extensions, "graceMillis", grace.toMillis());
        }
        if (interrupted) {
            // the function is being stopped: the verdict stands without the rest of the window
            Thread.currentThread().interrupt();
        }
        return agents.markDeadAfterHold(account, reason, clock.instant());
    }

    private boolean settledByAdoption(LeasedAccount account) {
        RefreshClaim.Refused current = ledger.current(account.id(), clock.instant());
        if (current.reason() == RefreshClaim.Reason.GONE || current.tokenVersion() > account.tokenVersion()) {
            LOG.info(
                    "refresh.verdict_settled_by_adoption",
                    "refusedVersion",
                    account.tokenVersion(),
                    "currentVersion",
                    current.tokenVersion());
            return true;
        }
        return false;
    }

    /**
     * An agent tried to hand tokens over during the hold (or just before it) and they have not landed:
     * it is retrying past a KMS or DynamoDB failure, so the verdict waits one more window for it.
     */
    private boolean handOverUnderWay(String accountId, Instant heldSince) {
        try {
            Optional<Instant> attempt = agents.adoptionAttemptedAt(accountId);
            return attempt.isPresent() && !attempt.get().isBefore(heldSince.minus(grace));
        } catch (ReauthException.DependencyFailed e) {
            return false;
        }
    }

    private boolean agentServes(String accountId, Instant now) {
        Optional<Instant> seen = agents.agentSeenAt(accountId);
        return seen.isPresent() && !seen.get().isBefore(now.minus(agentFreshness));
    }
}
