package dev.reauth.domain;

import java.time.Instant;

/**
 * Commits a finished authorization: consumes the claimed session and writes the account's tokens
 * in one transaction, touching no other attribute of the account.
 */
public interface AccountWriter {

    /**
     * Sets the token attributes of an existing account and consumes the session.
     *
     * @return the account's new token_version
     * @throws ReauthException.AccountNotFound the account was deleted meanwhile
     * @throws ReauthException.SessionUsed     the claim was lost
     */
    long rotateTokens(ClaimedSession claim, SealedTokens tokens, Instant now);

    /**
     * Creates the account the session was started for and consumes the session.
     *
     * @return the new account's token_version (1)
     * @throws ReauthException.AccountExists the id or name was taken meanwhile
     * @throws ReauthException.SessionUsed   the claim was lost
     */
    long createAccount(ClaimedSession claim, SealedTokens tokens, Instant now);
}
