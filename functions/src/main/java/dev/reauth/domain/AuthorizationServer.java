package dev.reauth.domain;

import dev.reauth.oauth.AuthorizationCode;
import dev.reauth.oauth.CodeVerifier;
import dev.reauth.oauth.OAuthState;
import dev.reauth.oauth.TokenResponse;

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
}
