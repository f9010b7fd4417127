package dev.reauth.agent;

import java.util.Optional;
import java.util.Set;

/**
 * Where a proxy keeps its accounts' credentials, written the way the proxy's own re-authentication
 * writes them: only the credentials change, nothing else the proxy keeps about the account.
 */
public interface ProxyStore {

    /**
     * An account as the proxy holds it: its id and kind (better-ccflare's provider) in the proxy, its
     * credentials, and whether it is paused.
     */
    record StoredAccount(String proxyId, String name, String kind, ProxyCredentials credentials, boolean paused) {}

    /** The names of the accounts the proxy holds. */
    Set<String> accountNames();

    /** The account with this name, or empty when the proxy holds none (or more than one) by that name. */
    Optional<StoredAccount> read(String name);

    /**
     * Replaces the account's credentials in one atomic step.
     *
     * @return the account as it was just before the write, or empty when the proxy holds no such
     *         account (then nothing was written)
     */
    Optional<StoredAccount> write(String name, ProxyCredentials credentials);

    /** Whether this proxy can pause an account (so it is not used while it needs re-authentication). */
    default boolean canPause() {
        return false;
    }

    /**
     * Pauses the account with {@code reason}, unless it is paused already.
     *
     * @return true when this call paused it
     */
    default boolean pause(String name, String reason) {
        throw new UnsupportedOperationException("this proxy store cannot pause accounts");
    }

    /**
     * Un-pauses the account if it is paused for one of {@code reasons}.
     *
     * @return true when this call un-paused it
     */
    default boolean resume(String name, Set<String> reasons) {
        throw new UnsupportedOperationException("this proxy store cannot pause accounts");
    }
}
