package dev.reauth.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * RFC 7636 §4.2's S256 transformation, {@code BASE64URL(SHA256(ASCII(value)))}: a verifier's PKCE
 * challenge, and the hash a state is stored under.
 */
final class S256 {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private S256() {}

    /** The transformation of an ASCII value (verifiers and states are ASCII by their constructors). */
    static String of(String value) {
        try {
            return BASE64URL.encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
