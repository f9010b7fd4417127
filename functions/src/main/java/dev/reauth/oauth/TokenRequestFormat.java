package dev.reauth.oauth;

/**
 * How the token endpoint wants its request body: Anthropic's endpoint takes JSON (and requires
 * {@code state}); a standard RFC 6749 §4.1.3 endpoint takes application/x-www-form-urlencoded.
 */
public enum TokenRequestFormat {
    JSON,
    FORM
}
