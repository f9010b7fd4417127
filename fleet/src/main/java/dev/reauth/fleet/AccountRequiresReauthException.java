package dev.reauth.fleet;

/**
 * The account's refresh token is dead and reauth has marked it: no token is served for it until
 * someone re-authenticates it ({@code reauth --reauthenticate NAME}). Route requests to other accounts.
 */
public final class AccountRequiresReauthException extends FleetException {

    private final String accountId;

    public AccountRequiresReauthException(String accountId, String reason) {
        super("account " + accountId + " requires re-authentication (" + reason + ")", null);
        this.accountId = accountId;
    }

    public String accountId() {
        return accountId;
    }
}
