package dev.reauth.fleet;

/**
 * What a proxy clears when an account's tokens change: its own caches, in-flight refreshes. The
 * counterpart of ccflare's {@code registerRefreshClearer}.
 */
@FunctionalInterface
public interface FlushListener {

    /** Called after the token source dropped the account's cached tokens; {@code tokenVersion} is the new floor. */
    void flushed(String accountId, long tokenVersion);
}
