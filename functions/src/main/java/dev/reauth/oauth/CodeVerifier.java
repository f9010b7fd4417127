package dev.reauth.oauth;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * A PKCE code verifier (RFC 7636 §4.1): 43 to 128 characters of {@code [A-Za-z0-9-._~]}.
 * The value is a secret until the code exchange; {@link #toString()} never shows it.
 */
public record CodeVerifier(String value) {

    private static final Pattern ALPHABET = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    public CodeVerifier {
        if (value == null || !ALPHABET.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "code verifier must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)");
        }
    }

    /** A fresh verifier: base64url of 32 random bytes, no padding (43 characters), as RFC 7636 §4.1 recommends. */
    public static CodeVerifier generate(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return new CodeVerifier(BASE64URL.encodeToString(bytes));
    }

    /** The S256 challenge (RFC 7636 §4.2): BASE64URL(SHA256(ASCII(verifier))). */
    public String s256Challenge() {
        return S256.of(value);
    }

    @Override
    public String toString() {
        return "CodeVerifier[***]";
    }
}
