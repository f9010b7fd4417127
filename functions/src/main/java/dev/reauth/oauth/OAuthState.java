package dev.reauth.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The OAuth {@code state} value (RFC 6749 §10.12): unguessable, single-use, and the key to its
 * session. Only its {@link #hash()} is ever stored; {@link #toString()} never shows the value.
 */
public record OAuthState(String value) {

    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9\\-._~]{16,256}");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    public OAuthState {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("state must be 16-256 URL-safe characters");
        }
    }

    /** A fresh state: base64url of 32 random bytes. */
    public static OAuthState generate(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return new OAuthState(BASE64URL.encodeToString(bytes));
    }

    /** The SHA-256 of the state, base64url: what the sessions table is keyed by. */
    public String hash() {
        return S256.of(value);
    }

    /** Constant-time equality, so a comparison leaks nothing about how much of a guess was right. */
    public boolean matches(OAuthState other) {
        return other != null
                && MessageDigest.isEqual(
                        value.getBytes(StandardCharsets.US_ASCII), other.value.getBytes(StandardCharsets.US_ASCII));
    }

    /** Constant-time comparison of this state's hash with a stored one. */
    public boolean hashMatches(String storedHash) {
        return storedHash != null
                && MessageDigest.isEqual(
                        hash().getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "OAuthState[***]";
    }
}
