package dev.reauth.domain;

import dev.reauth.oauth.ProviderIdentity;
import java.time.Instant;
import java.util.Optional;

/**
 * A token bundle after KMS encryption, ready to be written: the ciphertext, when the access token
 * expires, and the provider account the tokens belong to when the provider named it.
 */
public record SealedTokens(byte[] ciphertext, Instant expiresAt, Optional<ProviderIdentity> identity) {

    @Override
    public String toString() {
        return "SealedTokens[expiresAt=" + expiresAt + ", " + ciphertext.length + " bytes]";
    }
}
