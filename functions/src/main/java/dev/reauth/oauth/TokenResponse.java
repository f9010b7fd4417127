package dev.reauth.oauth;

import dev.reauth.wire.TokenBundle;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The token endpoint's answer to a code exchange: a grant (RFC 6749 §5.1) or an error (§5.2). */
public sealed interface TokenResponse {

    /**
     * Tokens issued; {@code expiresIn} is the access token's lifetime, {@code identity} the provider
     * account that logged in, when the provider names it, and {@code refreshTokenExpiresIn} the
     * refresh token's remaining absolute lifetime ({@code refresh_token_expires_in}), when it says.
     */
    record Granted(
            TokenBundle tokens,
            Duration expiresIn,
            Optional<ProviderIdentity> identity,
            Optional<Duration> refreshTokenExpiresIn)
            implements TokenResponse {
        /** The refresh token of a refresh grant that carried none: the current one stays valid. */
        public static final String REFRESH_TOKEN_KEPT = "";

        /**
         * The access token's lifetime when a refresh answer names none: a quarter of the documented 8
         * hours, so with the default 60-minute lead the account is refreshed again after about an hour
         * (too short costs a refresh; too long would leave proxies an expired token).
         */
        public static final Duration DEFAULT_EXPIRES_IN = Duration.ofHours(2);

        /** True when a refresh answer carried a new refresh token but no access token: redeem the new one at once. */
        public boolean lacksAccessToken() {
            return tokens.accessToken().isEmpty();
        }

        /** True when the provider sent no new refresh token (only a refresh grant may). */
        public boolean keepsRefreshToken() {
            return REFRESH_TOKEN_KEPT.equals(tokens.refreshToken());
        }

        public Granted(TokenBundle tokens, Duration expiresIn) {
            this(tokens, expiresIn, Optional.empty());
        }

        public Granted(TokenBundle tokens, Duration expiresIn, Optional<ProviderIdentity> identity) {
            this(tokens, expiresIn, identity, Optional.empty());
        }

        public Granted withTokens(TokenBundle replaced) {
            return new Granted(replaced, expiresIn, identity, refreshTokenExpiresIn);
        }

        /** When the refresh token stops working, counted from {@code answeredAt}; empty when the provider did not say. */
        public Optional<Instant> refreshTokenExpiresAt(Instant answeredAt) {
            return refreshTokenExpiresIn.map(answeredAt::plus);
        }

        @Override
        public String toString() {
            return "Granted[expiresIn=" + expiresIn + ", refreshTokenExpiresIn=" + refreshTokenExpiresIn
                    + ", tokens=***]";
        }
    }

    /** The provider is rate limiting (HTTP 429); {@code retryAfter} is what it asked for, when it said. */
    record Throttled(Optional<Duration> retryAfter) implements TokenResponse {}

    /**
     * The provider refused the request with a 4xx and an RFC 6749 error code ({@code invalid_grant}
     * for a wrong, used or expired code), and its {@code error_description} when that is a bare code
     * ({@code account_on_hold}); free text is dropped. Neither is ever forwarded.
     */
    record Refused(int status, String error, Optional<String> description) implements TokenResponse {
        public Refused(int status, String error) {
            this(status, error, Optional.empty());
        }

        /**
         * True when the operator can fix it with another code (a wrong, used or expired one). Anything
         * else, {@code invalid_request} included, is a configuration fault that pasting again cannot fix.
         */
        public boolean isBadCode() {
            return "invalid_grant".equals(error);
        }
    }
}
