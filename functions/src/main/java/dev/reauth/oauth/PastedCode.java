package dev.reauth.oauth;

import java.util.Optional;

/**
 * What an operator pastes back from the provider's code page: {@code code#state}, split on the
 * first '#'. A paste without '#' carries the code alone.
 */
public record PastedCode(AuthorizationCode code, Optional<OAuthState> state) {

    public static PastedCode parse(String pasted) {
        if (pasted == null) {
            throw new IllegalArgumentException("code is required");
        }
        String trimmed = pasted.strip();
        int hash = trimmed.indexOf('#');
        if (hash < 0) {
            return new PastedCode(new AuthorizationCode(trimmed), Optional.empty());
        }
        return new PastedCode(
                new AuthorizationCode(trimmed.substring(0, hash)),
                Optional.of(new OAuthState(trimmed.substring(hash + 1))));
    }

    @Override
    public String toString() {
        return "PastedCode[***]";
    }
}
