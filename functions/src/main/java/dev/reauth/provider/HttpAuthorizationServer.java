package dev.reauth.provider;

import dev.reauth.domain.AuthorizationServer;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.RevocationOutcome;
import dev.reauth.oauth.AuthorizationCode;
import dev.reauth.oauth.CodeVerifier;
import dev.reauth.oauth.OAuthState;
import dev.reauth.oauth.ProviderConfig;
import dev.reauth.oauth.ProviderIdentity;
import dev.reauth.oauth.TokenRequestFormat;
import dev.reauth.oauth.TokenResponse;
import dev.reauth.wire.Json;
import dev.reauth.wire.TokenBundle;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The provider's token endpoint over HTTPS, on the JDK's java.net.http client (HTTP/1.1, no redirects,
 * never a silent second POST: a refresh request may only reach the provider once).
 * Response bodies are parsed and validated here and never logged or forwarded: they hold tokens.
 */
public final class HttpAuthorizationServer implements AuthorizationServer {

    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,64}");
    private static final int MAX_TOKEN_LENGTH = 8192;
    private static final int MAX_RESPONSE_BYTES = 256 * 1024;
    private static final long MAX_EXPIRES_IN_SECONDS = 366L * 24 * 3600;
    private static final long MAX_REFRESH_TOKEN_LIFETIME_SECONDS = 10L * 366 * 24 * 3600;

    /**
     * Sent when none is configured. The token endpoint answers 429 to requests it does not recognise
     * as a client (anthropic-oauth.md, 2026), so one is always sent; this one names reauth honestly
     * rather than impersonating another client. OAUTH_USER_AGENT replaces it.
     */
    public static final String DEFAULT_USER_AGENT = "reauth/0.1 (OAuth token refresher; Java)";
    /** A 429's wait is honoured within these bounds: never a hammering retry, never an account left for hours. */
    static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(5);

    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private final ProviderConfig config;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final String userAgent;
    private final Optional<URI> revokeUrl;
    private final Optional<Duration> accessTokenLifetime;
    private final Map<Duration, HttpClient> clients = new ConcurrentHashMap<>();

    /** A revocation is best effort: it gets this long, whatever the token calls get. */
    static final Duration REVOKE_TIMEOUT = Duration.ofSeconds(5);

    public HttpAuthorizationServer(ProviderConfig config, Duration connectTimeout, Duration requestTimeout) {
        this(config, connectTimeout, requestTimeout, DEFAULT_USER_AGENT);
    }

    public HttpAuthorizationServer(
            ProviderConfig config, Duration connectTimeout, Duration requestTimeout, String userAgent) {
        this(config, connectTimeout, requestTimeout, userAgent, Optional.empty());
    }

    /** @param userAgent the User-Agent of every provider call; blank is refused (the provider 429s clients without one) */
    public HttpAuthorizationServer(
            ProviderConfig config,
            Duration connectTimeout,
            Duration requestTimeout,
            String userAgent,
            Optional<URI> revokeUrl) {
        this(config, connectTimeout, requestTimeout, userAgent, revokeUrl, Optional.empty());
    }

    /**
     * @param revokeUrl where replaced refresh tokens are revoked (OAUTH_REVOKE_URL); empty: revocation off
     * @param accessTokenLifetime the access-token lifetime a code exchange asks for (OAUTH_ACCESS_TOKEN_LIFETIME),
     *     sent only when every login scope allows one; empty: the provider's default
     */
    public HttpAuthorizationServer(
            ProviderConfig config,
            Duration connectTimeout,
            Duration requestTimeout,
            String userAgent,
            Optional<URI> revokeUrl,
            Optional<Duration> accessTokenLifetime) {
        this.revokeUrl = revokeUrl;
        this.accessTokenLifetime = accessTokenLifetime;
        if (userAgent == null || userAgent.isBlank() || !userAgent.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("The provider User-Agent must be printable ASCII and not empty");
        }
        this.config = config;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.userAgent = userAgent.strip();
    }

    private record Answer(int status, String body, Optional<Duration> retryAfter) {}

    /** The scope the refresh grant asks for is refused: ask once more without one (anthropic-oauth.md). */
    private static final String INVALID_SCOPE = "invalid_scope";

    /** The provider configuration this client speaks to. */
    public ProviderConfig config() {
        return config;
    }

    @Override
    public TokenResponse exchange(AuthorizationCode code, OAuthState state, CodeVerifier verifier, String redirectUri) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "authorization_code");
        fields.put("code", code.value());
        fields.put("state", state.value());
        fields.put("client_id", config.clientId());
        fields.put("redirect_uri", redirectUri);
        fields.put("code_verifier", verifier.value());
        return tokenRequest(fields, true, ProviderConfig.customExpiresIn(accessTokenLifetime, config.scopes()));
    }

    @Override
    public TokenResponse refresh(String refreshToken, List<String> scopes) {
        TokenResponse response = refreshOnce(refreshToken, scopes);
        if (response instanceof TokenResponse.Refused refused
                && INVALID_SCOPE.equals(refused.error())
                && !scopes.isEmpty()) {
            return refreshOnce(refreshToken, List.of());
        }
        return response;
    }

    private TokenResponse refreshOnce(String refreshToken, List<String> scopes) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "refresh_token");
        fields.put("refresh_token", refreshToken);
        fields.put("client_id", config.clientId());
        if (!scopes.isEmpty()) {
            fields.put("scope", String.join(" ", scopes));
        }
        // a refresh grant need not carry a new refresh token: absent means "keep the current one"
        return tokenRequest(fields, false, Optional.empty());
    }

    /** POSTs a token request in the configured format (Anthropic's endpoint takes JSON only). */
    private TokenResponse tokenRequest(
            Map<String, String> fields, boolean refreshTokenRequired, Optional<Long> expiresInRequested) {
        String body;
        String contentType;
        if (config.tokenRequestFormat() == TokenRequestFormat.JSON) {
            Json.ObjectWriter json = Json.object();
            fields.forEach(json::put);
            expiresInRequested.ifPresent(seconds -> json.put("expires_in", seconds));
            body = json.toJson();
            contentType = "application/json";
        } else {
            Map<String, String> form = new LinkedHashMap<>(fields);
            expiresInRequested.ifPresent(seconds -> form.put("expires_in", Long.toString(seconds)));
            body = ProviderConfig.formEncode(form);
            contentType = "application/x-www-form-urlencoded";
        }
        Answer answer = post(config.tokenUrl(), contentType, body, Map.of(), "token endpoint");
        if (answer.status() >= 200 && answer.status() < 300) {
            return parseGrant(answer.body(), refreshTokenRequired);
        }
        if (answer.status() == 429) {
            return new TokenResponse.Throttled(answer.retryAfter());
        }
        if (answer.status() >= 400 && answer.status() < 500) {
            Optional<Map<String, Object>> json = Json.parseObjectOrEmpty(answer.body());
            Optional<String> error = json.flatMap(j -> boundedText(j, "error"))
                    .map(e -> ERROR_CODE.matcher(e).matches() ? e : "unrecognized_error");
            if (error.isPresent()) {
                // only a bare code is kept (account_on_hold): free text could echo anything
                Optional<String> description = json.flatMap(j -> boundedText(j, "error_description"))
                        .filter(d -> ERROR_CODE.matcher(d).matches());
                return new TokenResponse.Refused(answer.status(), error.get(), description);
            }
        }
        // a 5xx may come after the provider acted (rotated): the caller must treat the answer as lost
        throw new ReauthException.ProviderFailed(
                "The provider's token endpoint answered HTTP " + answer.status(), null, answer.status() >= 500);
    }

    /**
     * RFC 7009 revocation as the official client sends it: JSON {@code token}, {@code token_type_hint}
     * and {@code client_id}, within {@link #REVOKE_TIMEOUT}. Never throws: the outcome says how it went.
     */
    @Override
    public RevocationOutcome revoke(String refreshToken) {
        if (revokeUrl.isEmpty()) {
            return RevocationOutcome.OFF;
        }
        String body = Json.object()
                .put("token", refreshToken)
                .put("token_type_hint", "refresh_token")
                .put("client_id", config.clientId())
                .toJson();
        try {
            Answer answer = post(
                    revokeUrl.get(),
                    "application/json",
                    body,
                    Map.of(),
                    "revoke endpoint",
                    REVOKE_TIMEOUT,
                    REVOKE_TIMEOUT);
            if (answer.status() / 100 == 2) {
                return RevocationOutcome.REVOKED;
            }
            return answer.status() / 100 == 4 ? RevocationOutcome.REFUSED : RevocationOutcome.FAILED;
        } catch (ReauthException.ProviderFailed unreachable) {
            return RevocationOutcome.FAILED;
        }
    }

    @Override
    public String createApiKey(String accessToken) {
        URI url = config.apiKeyUrl()
                .orElseThrow(() -> new ReauthException.ProviderFailed(
                        "No API key endpoint is configured for console accounts", null));
        Answer answer = post(
                url,
                "application/x-www-form-urlencoded",
                null,
                Map.of("Authorization", "Bearer " + accessToken),
                "API key endpoint");
        if (answer.status() / 100 != 2) {
            throw new ReauthException.ProviderFailed(
                    "The provider's API key endpoint answered HTTP " + answer.status(), null);
        }
        return Json.parseObjectOrEmpty(answer.body())
                .flatMap(json -> boundedText(json, "raw_key"))
                .orElseThrow(() ->
                        new ReauthException.ProviderFailed("The provider's API key response had no raw_key", null));
    }

    private Answer post(URI url, String contentType, String body, Map<String, String> headers, String what) {
        return post(url, contentType, body, headers, what, connectTimeout, requestTimeout);
    }

    private Answer post(
            URI url,
            String contentType,
            String body,
            Map<String, String> headers,
            String what,
            Duration connectTimeout,
            Duration requestTimeout) {
        // java.net.http, not HttpURLConnection: HttpURLConnection silently sends a POST again when the
        // connection drops before the answer (sun.net.http.retryPost), which presents a refresh token the
        // provider has just rotated; this client never retries a POST. It never follows redirects either:
        // a token endpoint does not redirect, and following one could send the code elsewhere.
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(requestTimeout)
                .header("Accept", "application/json")
                .header("User-Agent", userAgent)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        try {
            HttpResponse<InputStream> answer =
                    client(connectTimeout).send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String text;
            try (InputStream in = answer.body()) {
                text = new String(in.readNBytes(MAX_RESPONSE_BYTES), StandardCharsets.UTF_8);
            }
            return new Answer(
                    answer.statusCode(),
                    text,
                    retryAfter(
                            answer.headers().firstValue("Retry-After-Ms").orElse(null),
                            answer.headers().firstValue("Retry-After").orElse(null)));
        } catch (HttpConnectTimeoutException | ConnectException notConnected) {
            throw new ReauthException.ProviderFailed("The provider's " + what + " could not be reached", null, false);
        } catch (HttpTimeoutException e) {
            throw new ReauthException.ProviderFailed("The provider's " + what + " did not answer in time", null, true);
        } catch (IOException e) {
            // connected: the request may have reached the provider, which may have acted on it
            throw new ReauthException.ProviderFailed(
                    "The provider's " + what + " dropped the connection before answering", null, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReauthException.ProviderFailed("Interrupted while calling the provider's " + what, null, true);
        }
    }

    /** One client per connect timeout (token calls, revocation), built on first use. */
    private HttpClient client(Duration connect) {
        return clients.computeIfAbsent(
                connect,
                timeout -> HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(timeout)
                        .build());
    }

    /**
     * How long a 429 asks to wait: {@code Retry-After-Ms}, else {@code Retry-After} in seconds
     * (RFC 9110 §10.2.3; the HTTP-date form is read as no hint), clamped to 5 s .. 5 min as peers do.
     */
    static Optional<Duration> retryAfter(String millis, String seconds) {
        try {
            if (millis != null) {
                return clamp(Long.parseLong(millis.trim()));
            }
            if (seconds != null) {
                return clamp(Math.min(Long.parseLong(seconds.trim()), 86_400L) * 1000L);
            }
        } catch (NumberFormatException notANumber) {
            // an HTTP-date or garbage: no hint
        }
        return Optional.empty();
    }

    private static Optional<Duration> clamp(long millis) {
        if (millis < 0) {
            return Optional.empty();
        }
        Duration asked = Duration.ofMillis(millis);
        if (asked.compareTo(MIN_RETRY_AFTER) < 0) {
            return Optional.of(MIN_RETRY_AFTER);
        }
        return Optional.of(asked.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : asked);
    }

    /**
     * RFC 6749 §5.1: access_token and a positive integral expires_in are required; so is refresh_token
     * on a code exchange (a refresh may leave it out, meaning the current one stays valid). A refresh
     * answer is the only copy of a rotated refresh token, so it is admitted short of the RFC: without an
     * access token (empty; the caller redeems the new refresh token once more) and without a valid
     * expires_in ({@link TokenResponse.Granted#DEFAULT_EXPIRES_IN}).
     */
    private static TokenResponse.Granted parseGrant(String body, boolean refreshTokenRequired) {
        Map<String, Object> json = Json.parseObjectOrEmpty(body).orElseThrow(() -> incomplete("was not a JSON object"));
        Optional<String> refreshGiven = boundedText(json, "refresh_token");
        Optional<String> accessGiven = boundedText(json, "access_token");
        boolean lenient = !refreshTokenRequired;
        String access = accessGiven
                .or(() -> lenient && refreshGiven.isPresent() ? Optional.of("") : Optional.empty())
                .orElseThrow(() -> incomplete("had no access_token"));
        if (refreshGiven.isEmpty() && refreshTokenRequired) {
            throw incomplete("had no refresh_token");
        }
        String refresh = refreshGiven.orElse(TokenResponse.Granted.REFRESH_TOKEN_KEPT);
        Optional<Long> expiresIn = seconds(json.get("expires_in")).filter(s -> s > 0 && s <= MAX_EXPIRES_IN_SECONDS);
        if (expiresIn.isEmpty() && !lenient) {
            throw incomplete("had no valid expires_in");
        }
        return new TokenResponse.Granted(
                new TokenBundle(
                        access,
                        refresh,
                        boundedText(json, "token_type").orElse("Bearer"),
                        boundedText(json, "scope"),
                        Optional.empty()),
                expiresIn.map(Duration::ofSeconds).orElse(TokenResponse.Granted.DEFAULT_EXPIRES_IN),
                ProviderIdentity.fromTokenResponse(json),
                // an absolute deadline that refreshing does not extend (anthropic-oauth.md, 2026); a
                // value that is no positive whole number is read as no hint rather than refusing the tokens
                seconds(json.get("refresh_token_expires_in"))
                        .filter(s -> s > 0 && s <= MAX_REFRESH_TOKEN_LIFETIME_SECONDS)
                        .map(Duration::ofSeconds));
    }

    private static Optional<Long> seconds(Object value) {
        if (value instanceof Long l) {
            return Optional.of(l);
        }
        if (value instanceof BigDecimal d) {
            try {
                return Optional.of(d.longValueExact());
            } catch (ArithmeticException notIntegral) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static ReauthException.ProviderFailed incomplete(String what) {
        // a 2xx reauth cannot read may still have rotated the refresh token
        return new ReauthException.ProviderFailed("The provider's token response " + what, null, true);
    }

    private static Optional<String> boundedText(Map<String, Object> json, String field) {
        return Json.string(json, field).filter(s -> !s.isBlank() && s.length() <= MAX_TOKEN_LENGTH);
    }
}
