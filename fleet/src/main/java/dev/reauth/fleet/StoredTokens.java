package dev.reauth.fleet;

import java.time.Instant;

/** An account's token attributes as stored: the ciphertext, its version and the access token's expiry. */
public record StoredTokens(long version, byte[] ciphertext, Instant expiresAt) {

    @Override
    public String toString() {
        return "StoredTokens[version=" + version + ", expiresAt=" + expiresAt + "]";
    }
}
