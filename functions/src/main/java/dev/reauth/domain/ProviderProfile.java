package dev.reauth.domain;

import dev.reauth.oauth.ProviderIdentity;
import java.util.Optional;

/**
 * The provider's profile endpoint ({@code GET /api/oauth/profile} with the access token as bearer): whose
 * tokens these are. Adoption and import ask it before tokens reauth did not mint are believed.
 */
public interface ProviderProfile {

    /**
     * The provider account behind an access token.
     *
     * @return the identity, or empty when the provider refuses the token (401/403: unknown, expired, revoked)
     * @throws ReauthException.ProviderFailed when the endpoint is unreachable, slow, throttling, failing, or its
     *     answer names no account
     */
    Optional<ProviderIdentity> identify(String accessToken);
}
