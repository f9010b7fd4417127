package dev.reauth.agent;

/** Asks a running proxy to pick up an account's new credentials from its store. */
@FunctionalInterface
public interface ProxyReloader {

    /** What the proxy answered. {@code status} is the HTTP status, or 0 when nothing was sent. */
    record Outcome(boolean success, int status, String detail) {

        public static Outcome notNeeded(String why) {
            return new Outcome(true, 0, why);
        }
    }

    Outcome reload(ProxyStore.StoredAccount account);

    /** For proxies that watch their store themselves (credential files). */
    ProxyReloader NONE = account -> Outcome.notNeeded("the proxy watches its store");
}
