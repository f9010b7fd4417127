package dev.reauth.link;

import java.util.Locale;

/**
 * A link cannot do what was asked: it is used, revoked, expired, exhausted or unknown. Carries the
 * account's name where the link names one, for the page; never the token.
 */
public final class LinkUnusable extends RuntimeException {

    private final LinkStatus status;
    private final String accountName;

    public LinkUnusable(LinkStatus status, String accountName) {
        super("re-auth link " + status.name().toLowerCase(Locale.ROOT), null, false, false);
        this.status = status;
        this.accountName = accountName;
    }

    public LinkStatus status() {
        return status;
    }

    /** The account the link was for; null for an unknown link. */
    public String accountName() {
        return accountName;
    }
}
