package dev.reauth.link;

import java.time.Instant;

/** A link just issued, for the one who asked: its address carries the token. {@link #toString()} hides it. */
public record IssuedLink(String accountId, String accountName, String url, Instant expiresAt) {

    @Override
    public String toString() {
        return "IssuedLink[account=" + accountName + ", expiresAt=" + expiresAt + ", url=***]";
    }
}
