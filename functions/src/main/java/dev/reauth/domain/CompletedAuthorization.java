package dev.reauth.domain;

/**
 * The outcome of a successful callback.
 *
 * @param created     true when the session added a new account
 * @param cacheFlushed whether the fleet was told; false means the write stands but proxies
 *                     converge only by polling token_version
 */
public record CompletedAuthorization(String accountId, String accountName, long tokenVersion, boolean created,
                                     boolean cacheFlushed) {
}
