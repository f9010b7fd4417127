package dev.reauth.refresh;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The accounts table as the expiring-deadline warning uses it: which accounts' refresh tokens stop
 * working soon, and a once-a-day claim on warning about each, so concurrent runs send one alert.
 */
public interface RefreshTokenDeadlines {

    /** An account reauth keeps alive whose refresh token stops working at {@code refreshTokenExpiresAt}. */
    record ExpiringAccount(String id, String name, Instant refreshTokenExpiresAt) {}

    /**
     * Accounts reauth keeps alive whose refresh token's deadline is at or before {@code horizon}, and
     * that were not warned about after {@code warnedBefore}.
     */
    List<ExpiringAccount> findExpiring(Instant horizon, Instant warnedBefore);

    /**
     * Claims today's warning: one conditional write that holds only while the account still has this
     * deadline, is alive, and was not warned about after {@code warnedBefore}.
     *
     * @return the account as the claim found it; empty when another run warned meanwhile, or the account
     *     was re-authenticated or died
     */
    Optional<ClaimedWarning> claimWarning(String accountId, Instant deadline, Instant warnedBefore, Instant now);

    /**
     * The account when its warning was claimed: the warning's text says what proxies do with it then.
     *
     * @param accessTokenExpiresAt when its access token expires (empty: none recorded)
     */
    record ClaimedWarning(Optional<Instant> accessTokenExpiresAt) {}

    /** Gives a claimed warning back (its alert could not be sent), so the next run tries again. */
    void releaseWarning(String accountId, Instant claimedAt);
}
