package dev.reauth.refresh;

import dev.reauth.domain.EventPublisher;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.SealedTokens;
import dev.reauth.domain.TokenVault;
import dev.reauth.log.StructuredLog;
import dev.reauth.wire.TokenEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The first thing every refresh run does: land the tokens earlier refreshes rescued, each sealed and
 * written with compare-and-set on the version its refresh leased, before any provider call. A rescue
 * that cannot land yet (KMS or DynamoDB still down) stays queued and is counted as pending; one that
 * newer tokens made moot is dropped.
 */
public final class RescueDrain {

    private static final StructuredLog LOG = StructuredLog.of(RescueDrain.class);
    /** SQS hands out at most ten messages at a time. */
    private static final int BATCH = 10;
    /** Batches per run at most, so a flood cannot starve the run's refreshes. */
    private static final int MAX_BATCHES = 20;

    /**
     * What a drain did: rescues landed, still pending, and dropped because newer tokens stand.
     *
     * @param pendingAccounts the accounts whose rescued tokens this drain read but could not land: their stored
     *                        refresh token is spent, so the run must not present it to the provider
     */
    public record Drained(int landed, int pending, int moot, Set<String> pendingAccounts) {
        public static final Drained NOTHING = new Drained(0, 0, 0);

        public Drained(int landed, int pending, int moot) {
            this(landed, pending, moot, Set.of());
        }

        public Drained {
            pendingAccounts = Set.copyOf(pendingAccounts);
        }
    }

    private final TokenRescue rescue;
    private final TokenVault vault;
    private final RefreshLedger ledger;
    private final EventPublisher events;
    private final Clock clock;

    public RescueDrain(TokenRescue rescue, TokenVault vault, RefreshLedger ledger, EventPublisher events, Clock clock) {
        this.rescue = rescue;
        this.vault = vault;
        this.ledger = ledger;
        this.events = events;
        this.clock = clock;
    }

    /** Lands what it can; never throws (a rescue queue it cannot read counts as one pending rescue). */
    public Drained drain() {
        int landed = 0;
        int pending = 0;
        int moot = 0;
        List<TokenRescue.Pending> notYet = new ArrayList<>();
        try {
            for (int batch = 0; batch < MAX_BATCHES; batch++) {
                List<TokenRescue.Pending> received = rescue.receive(BATCH);
                for (TokenRescue.Pending each : received) {
                    switch (land(each)) {
                        case LANDED -> landed++;
                        case PENDING -> {
                            pending++;
                            notYet.add(each);
                        }
                        case MOOT -> moot++;
                    }
                }
                if (received.size() < BATCH) {
                    break;
                }
            }
        } catch (ReauthException.DependencyFailed e) {
            LOG.error("rescue.queue_unreadable", e);
            pending++;
        }
        // given back only now, so this drain does not receive them again
        for (TokenRescue.Pending each : notYet) {
            try {
                rescue.release(each);
            } catch (ReauthException.DependencyFailed e) {
                LOG.warn("rescue.release_failed", "errorType", e.getClass().getSimpleName());
            }
        }
        if (landed + pending + moot > 0) {
            LOG.info("rescue.drained", "landed", landed, "pending", pending, "moot", moot);
        }
        Set<String> pendingAccounts = new HashSet<>();
        notYet.forEach(each -> pendingAccounts.add(each.tokens().accountId()));
        return new Drained(landed, pending, moot, pendingAccounts);
    }

    private enum Fate {
        LANDED,
        PENDING,
        MOOT
    }

    private Fate land(TokenRescue.Pending pending) {
        RescuedTokens r = pending.tokens();
        StructuredLog.putContext("accountId", r.accountId());
        byte[] ciphertext;
        try {
            ciphertext = vault.seal(r.accountId(), r.tokens());
        } catch (ReauthException.DependencyFailed e) {
            LOG.warn("rescue.not_landed_yet", "baseVersion", r.baseVersion(), "step", "seal");
            // KMS is down, the table may not be: report the account's tokens as waiting
            TokenLanding.notePending(ledger, r.accountId(), r.baseVersion(), r.rescuedAt());
            return Fate.PENDING;
        }
        try {
            Instant now = clock.instant();
            OptionalLong version = ledger.land(
                    r.accountId(),
                    r.baseVersion(),
                    r.leaseOwner(),
                    new SealedTokens(ciphertext, r.expiresAt(), Optional.empty()),
                    r.refreshTokenRotated(),
                    r.attention(),
                    now);
            if (version.isPresent()) {
                rescue.settle(pending);
                LOG.info("rescue.landed", "tokenVersion", version.getAsLong(), "rescuedAt", r.rescuedAt());
                publish(new TokenEvent(
                        TokenEvent.TOKENS_ROTATED, r.accountId(), r.accountName(), version.getAsLong(), now));
                return Fate.LANDED;
            }
            RefreshClaim.Refused current = ledger.current(r.accountId(), now);
            if (current.reason() == RefreshClaim.Reason.GONE || current.tokenVersion() != r.baseVersion()) {
                // a re-authentication or an adoption wrote newer tokens: they stand
                rescue.settle(pending);
                if (current.reason() != RefreshClaim.Reason.GONE) {
                    clearNote(r);
                }
                LOG.warn("rescue.moot", "baseVersion", r.baseVersion(), "currentVersion", current.tokenVersion());
                return Fate.MOOT;
            }
            LOG.warn("rescue.waiting_for_lease", "baseVersion", r.baseVersion());
            TokenLanding.notePending(ledger, r.accountId(), r.baseVersion(), r.rescuedAt());
            return Fate.PENDING;
        } catch (ReauthException.DependencyFailed e) {
            // the table refused the landing: a note would meet the same outage, the next drain writes it
            LOG.warn(
                    "rescue.not_landed_yet",
                    "baseVersion",
                    r.baseVersion(),
                    "step",
                    "land",
                    "errorType",
                    e.getClass().getSimpleName());
            return Fate.PENDING;
        }
    }

    /** A moot rescue's note goes (new tokens already cleared it unless the note was written after them). */
    private void clearNote(RescuedTokens r) {
        try {
            ledger.clearRescuePending(r.accountId(), r.rescuedAt());
        } catch (ReauthException.DependencyFailed e) {
            LOG.warn("rescue.note_failed", "errorType", e.getClass().getSimpleName());
        }
    }

    private void publish(TokenEvent event) {
        try {
            events.publish(event);
        } catch (ReauthException.DependencyFailed failure) {
            // the write stands; proxies converge by comparing token_version
            LOG.error("fleet.notify_failed", failure, "eventType", event.type(), "tokenVersion", event.tokenVersion());
        }
    }
}
