package dev.reauth.oauth;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Everything provider-specific about the OAuth flow. These values are undocumented by Anthropic
 * and have moved several times, so each is configuration; {@link #anthropic()} is the built-in preset.
 *
 * @param leadingAuthorizeParams query parameters placed before the standard ones (Anthropic: {@code code=true})
 * @param apiKeyUrl where console accounts get their API key after the exchange; empty when the provider has none
 */
public record ProviderConfig(
        String clientId,
        URI authorizeUrlMax,
        URI authorizeUrlConsole,
        URI tokenUrl,
        String redirectUri,
        List<String> scopes,
        TokenRequestFormat tokenRequestFormat,
        Optional<URI> apiKeyUrl,
        Map<String, String> leadingAuthorizeParams) {

    public ProviderConfig {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(authorizeUrlMax, "authorizeUrlMax");
        Objects.requireNonNull(authorizeUrlConsole, "authorizeUrlConsole");
        Objects.requireNonNull(tokenUrl, "tokenUrl");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(tokenRequestFormat, "tokenRequestFormat");
        Objects.requireNonNull(apiKeyUrl, "apiKeyUrl");
        scopes = List.copyOf(scopes);
        leadingAuthorizeParams = Collections.unmodifiableMap(new LinkedHashMap<>(leadingAuthorizeParams));
    }

    /** The Anthropic (Claude) preset: the official client's endpoints and login scopes as of 2026. */
    public static ProviderConfig anthropic() {
        return new ProviderConfig(
                "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
                URI.create("https://claude.com/cai/oauth/authorize"),
                URI.create("https://platform.claude.com/oauth/authorize"),
                URI.create("https://platform.claude.com/v1/oauth/token"),
                "https://platform.claude.com/oauth/code/callback",
                List.of(
                        "org:create_api_key",
                        "user:profile",
                        "user:inference",
                        "user:sessions:claude_code",
                        "user:mcp_servers",
                        "user:file_upload",
                        "user:plugins"),
                TokenRequestFormat.JSON,
                Optional.of(URI.create("https://api.anthropic.com/api/oauth/claude_cli/create_api_key")),
                Map.of("code", "true"));
    }

    /** The authorize endpoint for an account of this mode. */
    public URI authorizeUrl(AccountMode mode) {
        return mode == AccountMode.CONSOLE ? authorizeUrlConsole : authorizeUrlMax;
    }

    /**
     * The authorization request URL (RFC 6749 §4.1.1 with RFC 7636 §4.3), parameters in the order
     * the provider's own clients send them, each value form-encoded exactly once.
     */
    public String authorizationUrl(AccountMode mode, CodeVerifier verifier, OAuthState state) {
        Map<String, String> query = new LinkedHashMap<>(leadingAuthorizeParams);
        query.put("client_id", clientId);
        query.put("response_type", "code");
        query.put("redirect_uri", redirectUri);
        query.put("scope", String.join(" ", scopes));
        query.put("code_challenge", verifier.s256Challenge());
        query.put("code_challenge_method", "S256");
        query.put("state", state.value());
        String base = authorizeUrl(mode).toString();
        return base + (base.contains("?") ? "&" : "?") + formEncode(query);
    }

    /** The only scopes for which the provider grants a custom access-token lifetime (anthropic-oauth.md, 2026). */
    public static final java.util.Set<String> LONG_LIVED_SCOPES =
            java.util.Set.of("user:inference", "user:profile", "user:file_upload");
    /** The longest access-token lifetime a code exchange may ask for: one year. */
    public static final long MAX_CUSTOM_EXPIRES_IN_SECONDS = 31_536_000L;

    /**
     * The {@code expires_in} a code exchange asks for: the lifetime in seconds, only when one is set,
     * at most a year, and every scope is one the provider grants it for; otherwise none.
     */
    public static Optional<Long> customExpiresIn(Optional<java.time.Duration> lifetime, List<String> scopes) {
        return lifetime.map(java.time.Duration::toSeconds)
                .filter(seconds -> seconds > 0 && seconds <= MAX_CUSTOM_EXPIRES_IN_SECONDS)
                .filter(seconds -> !scopes.isEmpty() && LONG_LIVED_SCOPES.containsAll(scopes));
    }

    /** application/x-www-form-urlencoded serialisation of ordered pairs. */
    public static String formEncode(Map<String, String> pairs) {
        return pairs.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
