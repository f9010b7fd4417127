package dev.reauth.domain;

import dev.reauth.oauth.ProviderIdentity;
import java.util.Optional;

/**
 * The outcome of a successful callback.
 *
 * @param created     true when the session added a new account
 * @param cacheFlushed whether the fleet was told; false means the write stands but proxies
 *                     converge only by polling token_version
 * @param identity     the provider account that logged in, when the provider named it
 */
public record CompletedAuthorization(
        String accountId,
        String accountName,
        long tokenVersion,
        boolean created,
        boolean cacheFlushed,
        Optional<ProviderIdentity> identity) {

    /** The line the CLI prints and every page shows: "Account 'work' (ops@example.com) has been successfully re-authenticated". */
    public String message() {
        String who = "Account '" + accountName + "'"
                + identity.map(i -> " (" + i.label() + ")").orElse("");
        return who + (created ? " has been successfully added" : " has been successfully re-authenticated");
    }
}
