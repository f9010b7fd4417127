package dev.reauth.fleet;

/** What a proxy does when an account dies: stop routing to it (the token source already stopped serving it). */
@FunctionalInterface
public interface ReauthRequiredListener {

    /** Called once the token source stopped serving the account; {@code reason} is reauth's (e.g. invalid_grant). */
    void reauthRequired(String accountId, long tokenVersion, String reason);
}
