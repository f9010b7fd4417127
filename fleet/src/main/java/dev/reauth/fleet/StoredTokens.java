package dev.reauth.fleet;

import java.time.Instant;
import java.util.Optional;

/**
 * An account's token attributes as stored: the ciphertext, its version, the access token's expiry, and
 * why reauth marked it as requiring re-authentication, when it did.
 */
public record StoredTokens(long version, byte[] ciphertext, Instant expiresAt, Optional<String> reauthRequired) {

    public StoredTokens(long version, byte[] ciphertext, Instant expiresAt) {
        this(version, ciphertext, expiresAt, Optional.empty());
    }

    @Override
    public String toString() {
        return "StoredTokens[version=" + version + ", expiresAt=" + expiresAt + "]";
    }
}
