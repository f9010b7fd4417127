package dev.reauth.fleet;

/**
 * What the accounts table says about an account, as far as an event's claims go: its name, its
 * current token_version, and whether reauth marked it as requiring re-authentication or the
 * provider put it on hold.
 */
public record AccountFacts(String accountId, String name, long tokenVersion, boolean requiresReauth, boolean onHold) {

    /** Whether the table says proxies must stop using the account: what a pause needs. */
    public boolean stopped() {
        return requiresReauth || onHold;
    }
}
