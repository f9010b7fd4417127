package dev.reauth.oauth;

import dev.reauth.wire.TokenBundle;

import java.time.Duration;

/** The token endpoint's answer to a code exchange: a grant (RFC 6749 §5.1) or an error (§5.2). */
public sealed interface TokenResponse {

    /** Tokens issued; {@code expiresIn} is the access token's lifetime. */
    record Granted(TokenBundle tokens, Duration expiresIn) implements TokenResponse {
        @Override
        public String toString() {
            return "Granted[expiresIn=" + expiresIn + ", tokens=***]";
        }
    }

    /**
     * The provider refused the request with a 4xx and an RFC 6749 error code ({@code invalid_grant}
     * for a wrong, used or expired code). The description is the provider's and is never forwarded.
     */
    record Refused(int status, String error) implements TokenResponse {
        /** True when the operator can fix it by pasting again (a wrong or stale code), not a configuration fault. */
        public boolean isBadCode() {
            return "invalid_grant".equals(error) || "invalid_request".equals(error);
        }
    }
}
