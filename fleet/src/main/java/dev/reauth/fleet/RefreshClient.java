package dev.reauth.fleet;

import java.util.OptionalLong;

/**
 * Asks reauth, the fleet's one refresher, to refresh an account now. Proxies never call the provider's
 * token endpoint themselves: a second refresher races reauth on single-use refresh tokens, and the
 * loser's account is marked dead.
 */
public interface RefreshClient {

    /**
     * Refreshes the account unless reauth already moved past {@code knownVersion}; waits for a refresh
     * already in flight.
     *
     * @return the account's token_version afterwards
     * @throws AccountRequiresReauthException the account's refresh token is dead
     * @throws FleetException.DependencyFailed reauth could not be reached or the refresh failed
     */
    long refresh(String accountId, OptionalLong knownVersion);
}
