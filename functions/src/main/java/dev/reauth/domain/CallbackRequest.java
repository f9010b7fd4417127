package dev.reauth.domain;

import dev.reauth.oauth.AuthorizationCode;
import dev.reauth.oauth.OAuthState;
import dev.reauth.oauth.PastedCode;
import java.util.Optional;

/** A callback's inputs after parsing: the code and the state it came with. Hides both in {@link #toString()}. */
public record CallbackRequest(AuthorizationCode code, OAuthState state) {

    /**
     * Builds the request from a pasted {@code code#state} and/or a separate state. A pasted state that
     * differs from a separately given one is refused, as is a callback with no state at all.
     */
    public static CallbackRequest of(String codeOrPaste, String separateState) {
        PastedCode pasted;
        Optional<OAuthState> given;
        try {
            pasted = PastedCode.parse(codeOrPaste);
            given = separateState == null ? Optional.empty() : Optional.of(new OAuthState(separateState));
        } catch (IllegalArgumentException e) {
            throw new ReauthException.InvalidRequest("invalid_request", e.getMessage());
        }
        if (pasted.state().isPresent()
                && given.isPresent()
                && !pasted.state().get().matches(given.get())) {
            throw new ReauthException.InvalidRequest(
                    "invalid_request", "the state pasted with the code differs from the state given");
        }
        OAuthState state = pasted.state()
                .or(() -> given)
                .orElseThrow(() -> new ReauthException.InvalidRequest(
                        "invalid_request", "state is required: paste the whole code#state value"));
        return new CallbackRequest(pasted.code(), state);
    }

    @Override
    public String toString() {
        return "CallbackRequest[***]";
    }
}
