package dev.reauth.fleet;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** Reads accounts' token attributes from the accounts table. */
public interface AccountTokensReader {

    /** The account's current tokens (a consistent read), or empty when it has none or does not exist. */
    Optional<StoredTokens> read(String accountId);

    /**
     * The account's name, token_version and dead or on-hold marks (a consistent read), or empty when
     * no account has that id: what an event is confirmed against ({@link EventConfirmation}).
     */
    Optional<AccountFacts> facts(String accountId);

    /** The current token_version of each account (a cheap projection read), for convergence checks. */
    Map<String, Long> versions(Collection<String> accountIds);
}
