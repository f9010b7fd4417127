package dev.reauth.link;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The secret of a one-time re-auth link: 256 bits from {@link SecureRandom}, base64url. Only its
 * {@link #hash()} is ever stored; {@link #toString()} never shows the value.
 */
public final class LinkToken {

    /** base64url of 32 bytes, without padding. */
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final String value;

    private LinkToken(String value) {
        this.value = value;
    }

    /** A fresh token. {@code random} must come from the request, never from init (SnapStart). */
    public static LinkToken generate(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return new LinkToken(BASE64URL.encodeToString(bytes));
    }

    /** A token as a link carries it; empty when it cannot be one (then nothing is looked up). */
    public static Optional<LinkToken> parse(String value) {
        return value != null && SHAPE.matcher(value).matches() ? Optional.of(new LinkToken(value)) : Optional.empty();
    }

    /** The value, for the link itself and nowhere else. */
    public String value() {
        return value;
    }

    /** The SHA-256 of the token, base64url: what the link is stored under. */
    public String hash() {
        try {
            return BASE64URL.encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LinkToken token
                && MessageDigest.isEqual(
                        value.getBytes(StandardCharsets.US_ASCII), token.value.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "LinkToken[***]";
    }
}
