package dev.reauth.domain;

import dev.reauth.oauth.AccountMode;
import dev.reauth.refresh.AdoptionLedger;
import dev.reauth.refresh.DueAccount;
import dev.reauth.refresh.LeasedAccount;
import dev.reauth.refresh.RefreshClaim;
import dev.reauth.refresh.RefreshLedger;
import dev.reauth.wire.TokenBundle;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The refresher's ledger in memory, over an {@link InMemoryBackend}'s accounts and sealed tokens,
 * with the lease rules of the DynamoDB one; for unit tests of the routes that move tokens.
 */
public final class InMemoryLedger implements RefreshLedger, AdoptionLedger {

    private record Lease(String owner, Instant until) {}

    private final InMemoryBackend backend;
    private final Map<String, Instant> expiresAt = new HashMap<>();
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, Instant> lastAttempt = new HashMap<>();
    private final Map<String, Integer> failures = new HashMap<>();
    /** rotation_uncertain_at, attention_reason and the dead reason, as the DynamoDB ledger keeps them. */
    public final Map<String, Instant> uncertain = new HashMap<>();

    public final Map<String, String> attention = new HashMap<>();
    public final Map<String, String> deadReasons = new HashMap<>();
    /** rescue_pending_at: the newest tokens wait in the rescue queue. */
    public final Map<String, Instant> rescuePending = new HashMap<>();

    /** Adoption's rate limit: when each account's window opened, and the adoptions counted in it. */
    private final Map<String, Instant> adoptionWindows = new HashMap<>();

    private final Map<String, Integer> adoptionCounts = new HashMap<>();

    public InMemoryLedger(InMemoryBackend backend) {
        this.backend = backend;
    }

    /** Seals tokens for an account, as its re-authentication did: from now on the refresher keeps it alive. */
    public synchronized void keepAlive(String accountId, TokenBundle tokens, Instant tokensExpireAt) {
        backend.seal(accountId, tokens);
        expiresAt.put(accountId, tokensExpireAt);
    }

    @Override
    public synchronized List<DueAccount> findDue(Instant horizon) {
        return expiresAt.entrySet().stream()
                .filter(e -> !e.getValue().isAfter(horizon)
                        && !backend.accounts.get(e.getKey()).requiresReauth())
                .map(e -> {
                    Account a = backend.accounts.get(e.getKey());
                    return new DueAccount(
                            a.id(),
                            a.name(),
                            a.tokenVersion(),
                            e.getValue(),
                            Optional.empty(),
                            Optional.ofNullable(leases.get(a.id())).map(Lease::until),
                            Set.of());
                })
                .toList();
    }

    @Override
    public synchronized RefreshClaim claim(
            String accountId,
            OptionalLong expectedVersion,
            String leaseOwner,
            Instant now,
            Duration lease,
            Duration minInterval) {
        Account account = backend.accounts.get(accountId);
        RefreshClaim.Reason refused = account == null
                ? RefreshClaim.Reason.GONE
                : !backend.sealed.containsKey(accountId)
                        ? RefreshClaim.Reason.NOT_MANAGED
                        : account.requiresReauth()
                                ? RefreshClaim.Reason.DEAD
                                : expectedVersion.isPresent() && expectedVersion.getAsLong() != account.tokenVersion()
                                        ? RefreshClaim.Reason.VERSION_MOVED
                                        : leaseLive(accountId, now)
                                                ? RefreshClaim.Reason.IN_FLIGHT
                                                : lastAttempt.containsKey(accountId)
                                                                && lastAttempt
                                                                        .get(accountId)
                                                                        .isAfter(now.minus(minInterval))
                                                        ? RefreshClaim.Reason.TOO_SOON
                                                        : null;
        if (refused != null) {
            return new RefreshClaim.Refused(
                    refused,
                    account == null ? 0 : account.tokenVersion(),
                    Optional.ofNullable(leases.get(accountId)).map(Lease::until));
        }
        Optional<Instant> abandoned = Optional.ofNullable(leases.get(accountId)).map(Lease::until);
        leases.put(accountId, new Lease(leaseOwner, now.plus(lease)));
        lastAttempt.put(accountId, now);
        return new RefreshClaim.Leased(new LeasedAccount(
                accountId,
                account.name(),
                account.tokenVersion(),
                backend.sealed.get(accountId),
                leaseOwner,
                failures.getOrDefault(accountId, 0),
                Set.of(),
                Optional.empty(),
                Optional.ofNullable(uncertain.get(accountId)),
                abandoned,
                Optional.empty()));
    }

    @Override
    public synchronized OptionalLong commit(
            LeasedAccount account,
            SealedTokens tokens,
            boolean refreshTokenRotated,
            Optional<String> attentionReason,
            Instant now) {
        if (!leaseHeld(account)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(refreshed(account.id(), tokens, attentionReason));
    }

    @Override
    public synchronized OptionalLong land(
            String accountId,
            long baseVersion,
            String leaseOwner,
            SealedTokens tokens,
            boolean refreshTokenRotated,
            Optional<String> attentionReason,
            Instant now) {
        Account account = backend.accounts.get(accountId);
        Lease lease = leases.get(accountId);
        if (account == null
                || account.tokenVersion() != baseVersion
                || (leaseLive(accountId, now) && !lease.owner().equals(leaseOwner))) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(refreshed(accountId, tokens, attentionReason));
    }

    private long refreshed(String accountId, SealedTokens tokens, Optional<String> attentionReason) {
        failures.remove(accountId);
        uncertain.remove(accountId);
        attentionReason.ifPresentOrElse(r -> attention.put(accountId, r), () -> attention.remove(accountId));
        return write(accountId, tokens);
    }

    @Override
    public synchronized boolean markDead(LeasedAccount account, String reason, Instant now) {
        if (!leaseHeld(account)) {
            return false;
        }
        Account a = backend.accounts.get(account.id());
        backend.accounts.put(a.id(), new Account(a.id(), a.name(), a.mode(), a.tokenVersion(), true));
        leases.remove(a.id());
        deadReasons.put(a.id(), reason);
        return true;
    }

    @Override
    public synchronized int recordFailure(
            LeasedAccount account, String result, Instant retryAt, Optional<Instant> uncertainSince, Instant now) {
        if (!leaseHeld(account)) {
            return account.failures();
        }
        leases.remove(account.id());
        uncertainSince.ifPresent(since -> uncertain.putIfAbsent(account.id(), since));
        return failures.merge(account.id(), 1, Integer::sum);
    }

    @Override
    public synchronized void noteRescuePending(String accountId, long baseVersion, Instant rescuedAt) {
        Account account = backend.accounts.get(accountId);
        if (account != null && account.tokenVersion() == baseVersion) {
            rescuePending.put(accountId, rescuedAt);
        }
    }

    @Override
    public synchronized void clearRescuePending(String accountId, Instant rescuedAt) {
        rescuePending.remove(accountId, rescuedAt);
    }

    @Override
    public void noteAlert(String accountId, String kind) {}

    @Override
    public synchronized Optional<Sealed> sealed(String accountId) {
        Account account = backend.accounts.get(accountId);
        return account == null || !backend.sealed.containsKey(accountId)
                ? Optional.empty()
                : Optional.of(new Sealed(account.name(), account.tokenVersion(), backend.sealed.get(accountId)));
    }

    @Override
    public synchronized Optional<Adopted> adopt(String accountId, long baseVersion, SealedTokens tokens, Instant now) {
        Account account = backend.accounts.get(accountId);
        if (account == null || account.tokenVersion() != baseVersion || leaseLive(accountId, now)) {
            return Optional.empty();
        }
        String bound = backend.boundIdentities.get(accountId);
        if (bound != null
                && tokens.identity().isPresent()
                && !bound.equals(tokens.identity().get().accountUuid())) {
            return Optional.empty();
        }
        tokens.identity().ifPresent(identity -> backend.boundIdentities.put(accountId, identity.accountUuid()));
        return Optional.of(new Adopted(write(accountId, tokens), account.requiresReauth()));
    }

    @Override
    public synchronized Admission admit(String accountId, int limit, Duration window, Instant now) {
        Account account = backend.accounts.get(accountId);
        if (account == null) {
            throw new ReauthException.AccountNotFound("No account with id '" + accountId + "'");
        }
        Instant opened = adoptionWindows.get(accountId);
        if (opened == null || !opened.isAfter(now.minus(window))) {
            adoptionWindows.put(accountId, now);
            adoptionCounts.put(accountId, 1);
        } else if (adoptionCounts.get(accountId) >= limit) {
            return new Admission.Limited(Duration.between(now, opened.plus(window)));
        } else {
            adoptionCounts.merge(accountId, 1, Integer::sum);
        }
        return new Admission.Admitted(
                account.tokenVersion(), Optional.ofNullable(backend.boundIdentities.get(accountId)));
    }

    @Override
    public synchronized void createImported(
            String accountId, String name, AccountMode mode, OptionalLong priority, SealedTokens tokens, Instant now) {
        if (backend.accounts.putIfAbsent(accountId, new Account(accountId, name, mode, 1, false)) != null) {
            throw new ReauthException.AccountExists("An account with this id already exists");
        }
        backend.sealed.put(accountId, tokens.ciphertext());
        expiresAt.put(accountId, tokens.expiresAt());
        tokens.identity().ifPresent(identity -> backend.boundIdentities.put(accountId, identity.accountUuid()));
    }

    @Override
    public synchronized RefreshClaim.Refused current(String accountId, Instant now) {
        Account account = backend.accounts.get(accountId);
        if (account == null) {
            return new RefreshClaim.Refused(RefreshClaim.Reason.GONE, 0, Optional.empty());
        }
        RefreshClaim.Reason reason = account.requiresReauth()
                ? RefreshClaim.Reason.DEAD
                : leaseLive(accountId, now) ? RefreshClaim.Reason.IN_FLIGHT : RefreshClaim.Reason.IDLE;
        return new RefreshClaim.Refused(
                reason,
                account.tokenVersion(),
                Optional.ofNullable(leases.get(accountId)).map(Lease::until));
    }

    /** token_version + 1, the tokens stored, healthy, lease cleared. */
    private long write(String accountId, SealedTokens tokens) {
        Account a = backend.accounts.get(accountId);
        Account next = new Account(a.id(), a.name(), a.mode(), a.tokenVersion() + 1, false);
        backend.accounts.put(a.id(), next);
        backend.sealed.put(a.id(), tokens.ciphertext());
        expiresAt.put(a.id(), tokens.expiresAt());
        leases.remove(a.id());
        rescuePending.remove(a.id());
        return next.tokenVersion();
    }

    private boolean leaseLive(String accountId, Instant now) {
        Lease lease = leases.get(accountId);
        return lease != null && !lease.until().isBefore(now);
    }

    private boolean leaseHeld(LeasedAccount account) {
        Account current = backend.accounts.get(account.id());
        Lease lease = leases.get(account.id());
        return current != null
                && current.tokenVersion() == account.tokenVersion()
                && lease != null
                && lease.owner().equals(account.leaseOwner());
    }
}
