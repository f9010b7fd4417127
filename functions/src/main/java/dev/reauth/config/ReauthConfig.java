package dev.reauth.config;

import dev.reauth.domain.HealthRules;
import dev.reauth.oauth.ProviderConfig;
import dev.reauth.oauth.TokenRequestFormat;
import dev.reauth.provider.HttpAuthorizationServer;
import dev.reauth.wire.SecureUrl;
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The functions' whole configuration, read once from the environment. A missing or malformed
 * variable fails start-up with a message naming it. Provider values default to the Anthropic preset
 * and each can be overridden, since the provider has moved them before.
 *
 * @param providerUserAgent the User-Agent of every provider call (OAUTH_USER_AGENT), never empty
 * @param deadlines the expiring warning: its index and how far ahead it warns
 * @param accessTokenLifetime long-lived access tokens (OAUTH_ACCESS_TOKEN_LIFETIME, at most P365D): the
 *     lifetime a code exchange asks for; only with login scopes the provider allows it for; empty: off
 * @param revokeUrl where a re-authentication revokes the refresh token it replaced (OAUTH_REVOKE_URL); empty: off
 * @param adoption how adopted and imported tokens are checked at the provider's profile endpoint, and the
 *     per-account adoption limit
 */
public record ReauthConfig(
        String region,
        Optional<URI> endpointOverride,
        String accountsTable,
        String accountsNameIndex,
        String sessionsTable,
        String tokenKeyId,
        String topicArn,
        Duration sessionTtl,
        Duration claimLease,
        Duration providerTimeout,
        ProviderConfig provider,
        RefreshSettings refresh,
        LinkSettings links,
        RefreshSafety safety,
        SecondRefresherSettings secondRefresher,
        String providerUserAgent,
        DeadlineSettings deadlines,
        Optional<URI> revokeUrl,
        Optional<Duration> accessTokenLifetime,
        AdoptionSettings adoption) {

    /** A provider answer can be slow; giving up early loses a rotated refresh token (issue 17). */
    public static final Duration DEFAULT_PROVIDER_TIMEOUT = Duration.ofSeconds(30);

    /** Reads the configuration from {@code System.getenv()}. */
    public static ReauthConfig fromEnvironment() {
        return from(System.getenv());
    }

    /** Reads the configuration from the given variables. */
    public static ReauthConfig from(Map<String, String> env) {
        Reader read = new Reader(env);
        ProviderConfig preset =
                switch (read.optional("OAUTH_PRESET").orElse("anthropic").toLowerCase(Locale.ROOT)) {
                    case "anthropic" -> ProviderConfig.anthropic();
                    default ->
                        throw new ConfigException(
                                "OAUTH_PRESET must be \"anthropic\" (override single values with OAUTH_* variables)");
                };
        ProviderConfig provider = new ProviderConfig(
                read.optional("OAUTH_CLIENT_ID").orElse(preset.clientId()),
                read.secureUri("OAUTH_AUTHORIZE_URL").orElse(preset.authorizeUrlMax()),
                read.secureUri("OAUTH_CONSOLE_AUTHORIZE_URL").orElse(preset.authorizeUrlConsole()),
                read.secureUri("OAUTH_TOKEN_URL").orElse(preset.tokenUrl()),
                read.optional("OAUTH_REDIRECT_URI").orElse(preset.redirectUri()),
                read.optional("OAUTH_SCOPES")
                        .map(s -> List.of(s.trim().split("\\s+")))
                        .orElse(preset.scopes()),
                read.optional("OAUTH_TOKEN_REQUEST_FORMAT")
                        .map(v -> read.tokenFormat("OAUTH_TOKEN_REQUEST_FORMAT", v))
                        .orElse(preset.tokenRequestFormat()),
                read.optional("OAUTH_API_KEY_URL")
                        .map(v -> v.equalsIgnoreCase("none")
                                ? Optional.<URI>empty()
                                : Optional.of(
                                        read.requireSecure("OAUTH_API_KEY_URL", read.parseUri("OAUTH_API_KEY_URL", v))))
                        .orElse(preset.apiKeyUrl()),
                read.optional("OAUTH_AUTHORIZE_EXTRA_PARAMS")
                        .map(Reader::pairs)
                        .orElse(preset.leadingAuthorizeParams()));
        Duration providerTimeout = read.duration("OAUTH_HTTP_TIMEOUT", DEFAULT_PROVIDER_TIMEOUT);
        Duration lease = read.duration("REFRESH_LEASE", Duration.ofMinutes(4));
        Duration deadGrace = read.durationOrZero("REFRESH_DEAD_GRACE", Duration.ofSeconds(5)); // PT0S: no grace
        return new ReauthConfig(
                read.required("AWS_REGION"),
                read.uri("AWS_ENDPOINT_URL"),
                read.required("ACCOUNTS_TABLE"),
                read.optional("ACCOUNTS_NAME_INDEX").orElse("name-index"),
                read.required("SESSIONS_TABLE"),
                read.required("TOKEN_KEY_ID"),
                read.required("TOKEN_EVENTS_TOPIC_ARN"),
                read.duration("SESSION_TTL", Duration.ofMinutes(10)),
                read.duration("SESSION_CLAIM_LEASE", Duration.ofSeconds(60)),
                providerTimeout,
                provider,
                new RefreshSettings(
                        read.optional("ACCOUNTS_REFRESH_INDEX").orElse("refresh-index"),
                        read.integer("REFRESH_BUCKETS", 4),
                        read.duration("REFRESH_LEAD", Duration.ofMinutes(60)),
                        read.integer("REFRESH_CONCURRENCY", 4),
                        lease,
                        read.duration("REFRESH_MIN_INTERVAL", Duration.ofSeconds(30)),
                        read.duration("REFRESH_WAIT", Duration.ofSeconds(15)),
                        read.optional("ALERTS_TOPIC_ARN"),
                        read.optional("REFRESH_SCHEDULE")
                                .map(SchedulePeriod::of)
                                .orElse(RefreshSettings.DEFAULT_SCHEDULE_PERIOD),
                        new ProviderPacing(
                                read.integer("PROVIDER_CALL_BUDGET", 0),
                                read.durationOrZero("REFRESH_SPREAD", Duration.ZERO))),
                new LinkSettings(
                        read.secureUri("WEB_BASE_URL"),
                        read.duration("LINK_TTL", Duration.ofHours(24)),
                        read.integer("LINK_MAX_STARTS", 10),
                        read.integer("LINK_MAX_COMPLETIONS", 10)),
                new RefreshSafety(
                        providerTimeout,
                        read.duration("AWS_CALL_TIMEOUT", Duration.ofSeconds(10)),
                        read.duration("AWS_ATTEMPT_TIMEOUT", Duration.ofSeconds(3)),
                        read.duration("REFRESH_RETRY_BACKOFF", Duration.ofSeconds(1)),
                        read.duration("REFRESH_LEASE_MARGIN", Duration.ofSeconds(10)),
                        read.durationOrSeconds("REFRESH_FUNCTION_TIMEOUT", Duration.ofMinutes(3)),
                        lease,
                        read.optional("RESCUE_QUEUE_URL"),
                        deadGrace),
                new SecondRefresherSettings(
                        deadGrace, read.duration("AGENT_SEEN_WINDOW", Duration.ofHours(24)), Duration.ofHours(24)),
                read.optional("OAUTH_USER_AGENT").orElse(HttpAuthorizationServer.DEFAULT_USER_AGENT),
                new DeadlineSettings(
                        read.optional("ACCOUNTS_DEADLINE_INDEX").orElse("deadline-index"),
                        read.duration("EXPIRING_WARNING", Duration.ofDays(3))),
                read.optional("OAUTH_REVOKE_URL")
                        .filter(v -> !v.equalsIgnoreCase("none"))
                        .map(v -> read.parseUri("OAUTH_REVOKE_URL", v)),
                longLived(read, provider),
                new AdoptionSettings(
                        read.secureUri("OAUTH_PROFILE_URL").orElse(AdoptionSettings.ANTHROPIC_PROFILE_URL),
                        read.duration("OAUTH_PROFILE_TIMEOUT", AdoptionSettings.DEFAULT_PROFILE_TIMEOUT),
                        read.integer("ADOPTIONS_PER_MINUTE", AdoptionSettings.DEFAULT_PER_MINUTE)));
    }

    /** OAUTH_ACCESS_TOKEN_LIFETIME: at most a year, and only with scopes the provider grants it for. */
    private static Optional<Duration> longLived(Reader read, ProviderConfig provider) {
        if (read.optional("OAUTH_ACCESS_TOKEN_LIFETIME").isEmpty()) {
            return Optional.empty();
        }
        Duration lifetime = read.duration("OAUTH_ACCESS_TOKEN_LIFETIME", Duration.ZERO);
        if (lifetime.toSeconds() > ProviderConfig.MAX_CUSTOM_EXPIRES_IN_SECONDS) {
            throw new ConfigException("OAUTH_ACCESS_TOKEN_LIFETIME must be at most P365D");
        }
        if (ProviderConfig.customExpiresIn(Optional.of(lifetime), provider.scopes())
                .isEmpty()) {
            throw new ConfigException("OAUTH_ACCESS_TOKEN_LIFETIME needs OAUTH_SCOPES within "
                    + String.join(" ", new java.util.TreeSet<>(ProviderConfig.LONG_LIVED_SCOPES))
                    + ": the provider refuses a custom lifetime for any other scope");
        }
        return Optional.of(lifetime);
    }

    /**
     * The rules the stack's health verdict judges by: the refresher's own settings, and the expiring
     * alert's warning as the window in which a refresh-token deadline counts as expiring.
     */
    public HealthRules healthRules() {
        HealthRules rules = refresh.healthRules();
        return new HealthRules(
                rules.lead(),
                rules.schedulePeriod(),
                rules.minInterval(),
                rules.failingAfter(),
                deadlines.warning(),
                rules.spread());
    }

    /** A configuration variable is missing or malformed. */
    public static final class ConfigException extends IllegalStateException {
        public ConfigException(String message) {
            super(message);
        }
    }

    private record Reader(Map<String, String> env) {

        Optional<String> optional(String name) {
            return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
        }

        String required(String name) {
            return optional(name)
                    .orElseThrow(() -> new ConfigException("environment variable " + name + " is required"));
        }

        int integer(String name, int fallback) {
            try {
                return optional(name).map(Integer::parseInt).orElse(fallback);
            } catch (NumberFormatException e) {
                throw new ConfigException(name + " must be a whole number");
            }
        }

        Optional<URI> uri(String name) {
            return optional(name).map(v -> parseUri(name, v));
        }

        /** A URL secrets or bearer links travel to: https, or http to a loopback host only. */
        Optional<URI> secureUri(String name) {
            return uri(name).map(uri -> requireSecure(name, uri));
        }

        URI requireSecure(String name, URI uri) {
            if (!SecureUrl.allows(uri)) {
                throw new ConfigException(name + " must be an https URL (plain http only to a loopback host)");
            }
            return uri;
        }

        URI parseUri(String name, String value) {
            try {
                URI uri = URI.create(value);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException();
                }
                return uri;
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name + " must be an absolute URL");
            }
        }

        Duration duration(String name, Duration fallback) {
            try {
                Duration value = optional(name).map(Duration::parse).orElse(fallback);
                if (value.isNegative() || value.isZero()) {
                    throw new ConfigException(name + " must be positive");
                }
                return value;
            } catch (DateTimeParseException e) {
                throw new ConfigException(name + " must be an ISO-8601 duration such as PT10M");
            }
        }

        /** A duration that may be zero (which turns its feature off). */
        Duration durationOrZero(String name, Duration fallback) {
            try {
                Duration value = optional(name).map(Duration::parse).orElse(fallback);
                if (value.isNegative()) {
                    throw new ConfigException(name + " must not be negative");
                }
                return value;
            } catch (DateTimeParseException e) {
                throw new ConfigException(name + " must be an ISO-8601 duration such as PT30M (PT0S: off)");
            }
        }

        /** A duration, or a whole number of seconds (the template passes the function's Timeout as is). */
        Duration durationOrSeconds(String name, Duration fallback) {
            Optional<String> value = optional(name);
            if (value.isPresent() && value.get().chars().allMatch(Character::isDigit)) {
                long seconds = Long.parseLong(value.get());
                if (seconds == 0) {
                    throw new ConfigException(name + " must be positive");
                }
                return Duration.ofSeconds(seconds);
            }
            return duration(name, fallback);
        }

        TokenRequestFormat tokenFormat(String name, String value) {
            try {
                return TokenRequestFormat.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name + " must be \"json\" or \"form\"");
            }
        }

        /** "a=1&b=2" into ordered pairs; "none" for no pairs. */
        static Map<String, String> pairs(String value) {
            Map<String, String> pairs = new LinkedHashMap<>();
            if (!value.equalsIgnoreCase("none")) {
                Arrays.stream(value.split("&")).filter(p -> !p.isBlank()).forEach(p -> {
                    int eq = p.indexOf('=');
                    pairs.put(eq < 0 ? p : p.substring(0, eq), eq < 0 ? "" : p.substring(eq + 1));
                });
            }
            return pairs;
        }
    }
}
