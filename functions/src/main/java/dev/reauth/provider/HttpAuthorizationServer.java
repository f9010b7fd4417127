package dev.reauth.provider;

import dev.reauth.domain.AuthorizationServer;
import dev.reauth.domain.ReauthException;
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
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The provider's token endpoint over HTTPS, on HttpURLConnection: the same HTTP stack the AWS SDK's
 * url-connection client already loads, so the provider call adds almost nothing to cold start.
 * Response bodies are parsed and validated here and never logged or forwarded: they hold tokens.
 */
public final class HttpAuthorizationServer implements AuthorizationServer {

    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,64}");
    private static final int MAX_TOKEN_LENGTH = 8192;
    private static final int MAX_RESPONSE_BYTES = 256 * 1024;
    private static final long MAX_EXPIRES_IN_SECONDS = 366L * 24 * 3600;

    private final ProviderConfig config;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    public HttpAuthorizationServer(ProviderConfig config, Duration connectTimeout, Duration requestTimeout) {
        this.config = config;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    private record Answer(int status, String body, Optional<Duration> retryAfter) {}

    /** The scope the refresh grant asks for is refused: ask once more without one (anthropic-oauth.md). */
    private static final String INVALID_SCOPE = "invalid_scope";

    @Override
    public TokenResponse exchange(AuthorizationCode code, OAuthState state, CodeVerifier verifier, String redirectUri) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "authorization_code");
        fields.put("code", code.value());
        fields.put("state", state.value());
        fields.put("client_id", config.clientId());
        fields.put("redirect_uri", redirectUri);
        fields.put("code_verifier", verifier.value());
        return tokenRequest(fields, true);
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
        return tokenRequest(fields, false);
    }

    /** POSTs a token request in the configured format (Anthropic's endpoint takes JSON only). */
    private TokenResponse tokenRequest(Map<String, String> fields, boolean refreshTokenRequired) {
        String body;
        String contentType;
        if (config.tokenRequestFormat() == TokenRequestFormat.JSON) {
            Json.ObjectWriter json = Json.object();
            fields.forEach(json::put);
            body = json.toJson();
            contentType = "application/json";
        } else {
            body = ProviderConfig.formEncode(fields);
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
            Optional<String> error = Json.parseObjectOrEmpty(answer.body())
                    .flatMap(json -> boundedText(json, "error"))
                    .map(e -> ERROR_CODE.matcher(e).matches() ? e : "unrecognized_error");
            if (error.isPresent()) {
                return new TokenResponse.Refused(answer.status(), error.get());
            }
        }
        // a 5xx may come after the provider acted (rotated): the caller must treat the answer as lost
        throw new ReauthException.ProviderFailed(
                "The provider's token endpoint answered HTTP " + answer.status(), null, answer.status() >= 500);
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
        boolean sent = false;
        try {
            HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
            connection.setRequestMethod("POST");
            // a token endpoint never redirects; following one could send the code elsewhere
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout((int) connectTimeout.toMillis());
            connection.setReadTimeout((int) requestTimeout.toMillis());
            connection.setRequestProperty("Accept", "application/json");
            connection.setRequestProperty("Content-Type", contentType);
            headers.forEach(connection::setRequestProperty);
            connection.setDoOutput(true);
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            connection.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(bytes);
            }
            sent = true;
            int status = connection.getResponseCode();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            String text = "";
            if (in != null) {
                try (in) {
                    text = new String(in.readNBytes(MAX_RESPONSE_BYTES), StandardCharsets.UTF_8);
                }
            }
            return new Answer(status, text, retryAfter(connection));
        } catch (SocketTimeoutException e) {
            throw new ReauthException.ProviderFailed("The provider's " + what + " did not answer in time", null, sent);
        } catch (IOException e) {
            throw new ReauthException.ProviderFailed(
                    sent
                            ? "The provider's " + what + " dropped the connection before answering"
                            : "The provider's " + what + " could not be reached",
                    null,
                    sent);
        }
    }

    /**
     * How long a 429 asks to wait: {@code Retry-After-Ms}, else {@code Retry-After} in seconds
     * (RFC 9110 §10.2.3; the HTTP-date form is read as no hint). Bounded to an hour.
     */
    static Optional<Duration> retryAfter(HttpURLConnection connection) {
        return retryAfter(connection.getHeaderField("Retry-After-Ms"), connection.getHeaderField("Retry-After"));
    }

    static Optional<Duration> retryAfter(String millis, String seconds) {
        try {
            if (millis != null) {
                return Optional.of(Duration.ofMillis(Math.min(Long.parseLong(millis.trim()), 3_600_000L)))
                        .filter(d -> !d.isNegative());
            }
            if (seconds != null) {
                return Optional.of(Duration.ofSeconds(Math.min(Long.parseLong(seconds.trim()), 3_600L)))
                        .filter(d -> !d.isNegative());
            }
        } catch (NumberFormatException notANumber) {
            // an HTTP-date or garbage: no hint
        }
        return Optional.empty();
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
                ProviderIdentity.fromTokenResponse(json));
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
