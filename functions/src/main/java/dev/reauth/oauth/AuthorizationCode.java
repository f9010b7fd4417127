package dev.reauth.oauth;

import java.util.regex.Pattern;

/** An authorization code returned by the provider (RFC 6749 §4.1.2); a secret, never shown by {@link #toString()}. */
public record AuthorizationCode(String value) {

    /** Visible ASCII without '#' (the paste separator), as providers issue them; bounded to keep garbage out. */
    private static final Pattern SHAPE = Pattern.compile("[\\x21-\\x22\\x24-\\x7E]{1,2048}");

    public AuthorizationCode {
        if (value == null || !SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException("authorization code must be 1-2048 visible ASCII characters");
        }
    }

    @Override
    public String toString() {
        return "AuthorizationCode[***]";
    }
}
