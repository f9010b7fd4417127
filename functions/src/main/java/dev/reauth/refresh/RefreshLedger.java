package dev.reauth.refresh;

import dev.reauth.domain.SealedTokens;
import dev.reauth.oauth.AccountMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The accounts table as the refresher uses it. Single flight is a conditional write: one claim wins
 * the lease, and every later write is conditioned on that lease and on the token version it saw.
 */
public interface RefreshLedger {

    /** Accounts reauth keeps alive whose access token expires at or before {@code horizon}. */
    List<DueAccount> findDue(Instant horizon);

    /**
     * Claims the refresh lease: the account must exist, hold sealed tokens, not require
     * re-authentication, have no live lease, be at {@code expectedVersion} when one is given, and have
     * had no provider call within {@code minInterval}. One conditional write, returning the account.
     */
    RefreshClaim claim(
            String accountId,
            OptionalLong expectedVersion,
            String leaseOwner,
            Instant now,
            Duration lease,
            Duration minInterval);

    /**
     * Writes refreshed tokens: compare-and-set on the leased version and the lease, token_version + 1,
     * health reset, lease cleared.
     *
     * @return the new token_version, or empty when the version or the lease moved (nothing written)
     */
    default OptionalLong commit(LeasedAccount account, SealedTokens tokens, boolean refreshTokenRotated, Instant now) {
        return commit(account, tokens, refreshTokenRotated, Optional.empty(), now);
    }

    /**
     * Writes refreshed tokens as {@link #commit(LeasedAccount, SealedTokens, boolean, Instant)} does, clearing
     * any uncertain rotation, and sets or clears the account's attention reason.
     *
     * @param attention why a person must look although the tokens are stored (e.g. {@code scope_missing_inference})
     */
    OptionalLong commit(
            LeasedAccount account,
            SealedTokens tokens,
            boolean refreshTokenRotated,
            Optional<String> attention,
            Instant now);

    /**
     * Lands rescued tokens: compare-and-set on {@code baseVersion} (the version their refresh was leased
     * on) while no other refresher holds a live lease; otherwise as a commit.
     *
     * @param leaseOwner the lease id of the refresh that got the tokens (its lease may still be on the item)
     * @return the new token_version, or empty when the version moved or another refresher holds the lease
     */
    OptionalLong land(
            String accountId,
            long baseVersion,
            String leaseOwner,
            SealedTokens tokens,
            boolean refreshTokenRotated,
            Optional<String> attention,
            Instant now);

    /**
     * Marks the account as requiring re-authentication, if its tokens are still the leased version:
     * tokens untouched, out of the refresh index, lease cleared.
     *
     * @return false when the tokens moved meanwhile (the refresh token that failed was not the current one)
     */
    boolean markDead(LeasedAccount account, String reason, Instant now);

    /** The reauth reason of an account the provider suspended ({@code account_on_hold}). */
    String ON_HOLD_REASON = "on_hold";

    /**
     * Marks the account suspended by the provider, if its tokens are still the leased version: as
     * {@link #markDead} (proxies stop using it), and {@code on_hold} since now.
     *
     * @return false when the tokens moved meanwhile
     */
    default boolean markOnHold(LeasedAccount account, Instant now) {
        return markDead(account, ON_HOLD_REASON, now);
    }

    /**
     * Records a failed attempt and when to try again, clearing the lease.
     *
     * @return the number of consecutive failures, this one included
     */
    default int recordFailure(LeasedAccount account, String result, Instant retryAt, Instant now) {
        return recordFailure(account, result, retryAt, account.uncertainSince(), now);
    }

    /**
     * Records a failed attempt as above; with {@code uncertainSince}, also that the provider may have
     * rotated without reauth holding its answer ({@code rotation_uncertain_at}).
     */
    int recordFailure(
            LeasedAccount account, String result, Instant retryAt, Optional<Instant> uncertainSince, Instant now);

    /**
     * Notes that the account's newest tokens wait in the rescue queue since {@code rescuedAt}
     * ({@code rescue_pending_at}), while its tokens are still at {@code baseVersion}: newer tokens make
     * the rescue moot, and every token write clears the note. Callers treat it as best-effort.
     *
     * @throws dev.reauth.domain.ReauthException.DependencyFailed when the table is unavailable
     */
    void noteRescuePending(String accountId, long baseVersion, Instant rescuedAt);

    /**
     * Clears the note of a rescue found moot, if the note is still that rescue's ({@code rescuedAt}).
     *
     * @throws dev.reauth.domain.ReauthException.DependencyFailed when the table is unavailable
     */
    void clearRescuePending(String accountId, Instant rescuedAt);

    /** Notes that an alert of this kind was sent, so it is sent once until the account is healthy again. */
    void noteAlert(String accountId, String kind);

    /** An account's sealed tokens as stored. {@link #toString()} hides the ciphertext. */
    record Sealed(String name, long tokenVersion, byte[] ciphertext) {
        @Override
        public String toString() {
            return "Sealed[tokenVersion=" + tokenVersion + ", ciphertext=***]";
        }
    }

    /** The account's sealed tokens (consistent read); empty when it has none. */
    Optional<Sealed> sealed(String accountId);

    /** Tokens adopted: the new token_version, and whether the account was marked dead until then. */
    record Adopted(long tokenVersion, boolean wasDead) {}

    /**
     * Writes tokens a proxy got by refreshing on its own: compare-and-set on {@code baseVersion} with no
     * refresh in flight; token_version + 1, the account healthy again (a dead mark on that version
     * cleared), and its agent noted as serving it.
     *
     * @return what was adopted, or empty when the version moved or a refresh is in flight
     */
    Optional<Adopted> adopt(String accountId, long baseVersion, SealedTokens tokens, Instant now);

    /** Creates an imported account at token_version 1 (conditional on the id being new). */
    void createImported(
            String accountId, String name, AccountMode mode, OptionalLong priority, SealedTokens tokens, Instant now);

    /** The account's current token version and lease, for a caller waiting on a refresh in flight. */
    RefreshClaim.Refused current(String accountId, Instant now);
}
