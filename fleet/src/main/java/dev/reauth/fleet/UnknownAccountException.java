package dev.reauth.fleet;

/** The account does not exist or holds no tokens yet. */
public final class UnknownAccountException extends FleetException {

    public UnknownAccountException(String accountId) {
        super("account " + accountId + " has no tokens", null);
    }
}
