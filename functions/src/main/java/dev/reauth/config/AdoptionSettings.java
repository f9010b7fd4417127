package dev.reauth.config;

import java.net.URI;
import java.time.Duration;

/**
 * How tokens reauth did not mint are checked before they are believed.
 *
 * @param profileUrl     the provider's profile endpoint (OAUTH_PROFILE_URL), asked whose an access token is
 * @param profileTimeout how long one profile call may take (OAUTH_PROFILE_TIMEOUT); kept short, since an agent's
 *                       adoption races the refresher's grace window (REFRESH_DEAD_GRACE)
 * @param perMinute      adoptions one account accepts per minute (ADOPTIONS_PER_MINUTE); more answer 429
 */
public record AdoptionSettings(URI profileUrl, Duration profileTimeout, int perMinute) {

    /** Anthropic's profile endpoint, as the official client calls it (anthropic-oauth.md). */
    public static final URI ANTHROPIC_PROFILE_URL = URI.create("https://api.anthropic.com/api/oauth/profile");

    public static final Duration DEFAULT_PROFILE_TIMEOUT = Duration.ofSeconds(3);
    public static final int DEFAULT_PER_MINUTE = 6;
    /** The rate limit's window: a fixed minute per account. */
    public static final Duration WINDOW = Duration.ofMinutes(1);

    public AdoptionSettings {
        if (perMinute < 1 || perMinute > 600) {
            throw new ReauthConfig.ConfigException("ADOPTIONS_PER_MINUTE must be from 1 to 600");
        }
        if (profileTimeout.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new ReauthConfig.ConfigException("OAUTH_PROFILE_TIMEOUT must be at most PT30S");
        }
    }

    /** The defaults: Anthropic's endpoint, 3 s per call, 6 adoptions per account and minute. */
    public static AdoptionSettings defaults() {
        return new AdoptionSettings(ANTHROPIC_PROFILE_URL, DEFAULT_PROFILE_TIMEOUT, DEFAULT_PER_MINUTE);
    }
}
