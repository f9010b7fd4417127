package dev.reauth.domain;

import dev.reauth.oauth.AuthorizationCode;
import dev.reauth.oauth.CodeVerifier;
import dev.reauth.oauth.OAuthState;
import dev.reauth.oauth.TokenResponse;
import java.util.List;

/** The provider's token side: code exchange and, for console accounts, API key creation. */
public interface AuthorizationServer {

    /**
     * Exchanges an authorization code (RFC 6749 §4.1.3 with the PKCE verifier, RFC 7636 §4.5).
     *
     * @return the grant, or the provider's 4xx refusal
     * @throws ReauthException.ProviderFailed on 5xx, timeout, or an unreadable or incomplete answer
     */
    TokenResponse exchange(AuthorizationCode code, OAuthState state, CodeVerifier verifier, String redirectUri);

    /**
     * Creates a console account's API key with a fresh access token.
     *
     * @throws ReauthException.ProviderFailed when no key came back
     */
    String createApiKey(String accessToken);

    /**
     * Redeems a refresh token (RFC 6749 §6) for new tokens. The provider rotates refresh tokens, so a
     * grant may carry a new one (use it from now on) or none (keep the current one).
     *
     * @param scopes the scopes a refresh asks for; empty asks for none (the provider keeps the grant's)
     * @return the grant, the provider's 4xx refusal, or its 429 with the wait it asked for
     * @throws ReauthException.ProviderFailed on 5xx, timeout, or an unreadable or incomplete answer
     */
    TokenResponse refresh(String refreshToken, List<String> scopes);

    /**
     * Revokes a refresh token (RFC 7009) that a new login replaced, within a few seconds.
     *
     * @return how it went; {@link RevocationOutcome#OFF} when no revoke endpoint is configured
     */
    default RevocationOutcome revoke(String refreshToken) {
        return RevocationOutcome.OFF;
    }
}
