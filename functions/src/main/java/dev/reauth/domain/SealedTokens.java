package dev.reauth.domain;

import dev.reauth.oauth.ProviderIdentity;
import java.time.Instant;
import java.util.Optional;

/**
 * A token bundle after KMS encryption, ready to be written: the ciphertext, when the access token
 * expires, the provider account the tokens belong to when the provider named it, and when the
 * refresh token stops working (its absolute deadline) when the provider said.
 */
public record SealedTokens(
        byte[] ciphertext,
        Instant expiresAt,
        Optional<ProviderIdentity> identity,
        Optional<Instant> refreshTokenExpiresAt) {

    public SealedTokens(byte[] ciphertext, Instant expiresAt, Optional<ProviderIdentity> identity) {
        this(ciphertext, expiresAt, identity, Optional.empty());
    }

    @Override
    public String toString() {
        return "SealedTokens[expiresAt=" + expiresAt + ", refreshTokenExpiresAt=" + refreshTokenExpiresAt + ", "
                + ciphertext.length + " bytes]";
    }
}
