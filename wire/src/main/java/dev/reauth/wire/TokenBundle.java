package dev.reauth.wire;

import java.util.Objects;
import java.util.Optional;

/**
 * What is sealed into {@code token_ciphertext}: the tokens of one account and, for console
 * accounts, the API key made with them. {@link #toString()} shows no secret.
 */
public record TokenBundle(
        String accessToken, String refreshToken, String tokenType, Optional<String> scope, Optional<String> apiKey) {

    public TokenBundle {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(apiKey, "apiKey");
    }

    public TokenBundle withApiKey(String key) {
        return new TokenBundle(accessToken, refreshToken, tokenType, scope, Optional.of(key));
    }

    @Override
    public String toString() {
        return "TokenBundle[tokenType=" + tokenType + ", apiKey=" + (apiKey.isPresent() ? "***" : "none") + ", ***]";
    }
}
