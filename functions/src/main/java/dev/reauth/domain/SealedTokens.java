package dev.reauth.domain;

import java.time.Instant;

/**
 * A token bundle after KMS encryption, ready to be written: the ciphertext and when the access
 * token expires.
 */
public record SealedTokens(byte[] ciphertext, Instant expiresAt) {

    @Override
    public String toString() {
        return "SealedTokens[expiresAt=" + expiresAt + ", " + ciphertext.length + " bytes]";
    }
}
