package dev.reauth.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * An account's credentials as a proxy stores them: access token, refresh token, the access token's
 * expiry (epoch ms) and, for console accounts, the API key. {@link #toString()} shows no secret.
 */
public record ProxyCredentials(String accessToken, String refreshToken, long expiresAtMillis, Optional<String> apiKey) {

    public ProxyCredentials {
        Objects.requireNonNull(apiKey, "apiKey");
    }

    public ProxyCredentials(String accessToken, String refreshToken, long expiresAtMillis) {
        this(accessToken, refreshToken, expiresAtMillis, Optional.empty());
    }

    /**
     * The SHA-256 of the refresh token (hex), or "" when there is none: what the agent remembers of
     * the tokens it wrote, to notice another writer without keeping a secret at rest.
     */
    public String refreshTokenFingerprint() {
        return fingerprint(refreshToken);
    }

    static String fingerprint(String secret) {
        if (secret == null || secret.isEmpty()) {
            return "";
        }
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "ProxyCredentials[expiresAtMillis=" + expiresAtMillis + ", apiKey="
                + (apiKey.isPresent() ? "***" : "none") + ", ***]";
    }
}
