package dev.reauth.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How one-time re-auth links behave.
 *
 * @param webBaseUrl     where the link page is served (the web API's URL); without it no link can be issued
 * @param ttl            how long a link stays usable
 * @param maxStarts      re-authentications one link may start
 * @param maxCompletions completions (pasted codes) one link may attempt
 */
public record LinkSettings(Optional<URI> webBaseUrl, Duration ttl, int maxStarts, int maxCompletions) {

    public LinkSettings {
        if (maxStarts < 1 || maxStarts > 100) {
            throw new ReauthConfig.ConfigException("LINK_MAX_STARTS must be between 1 and 100");
        }
        if (maxCompletions < 1 || maxCompletions > 100) {
            throw new ReauthConfig.ConfigException("LINK_MAX_COMPLETIONS must be between 1 and 100");
        }
    }
}
