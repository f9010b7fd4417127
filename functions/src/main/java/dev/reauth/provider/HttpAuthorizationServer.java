package dev.reauth.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reauth.domain.AuthorizationServer;
import dev.reauth.domain.ReauthException;
import dev.reauth.oauth.AuthorizationCode;
import dev.reauth.oauth.CodeVerifier;
import dev.reauth.oauth.OAuthState;
import dev.reauth.oauth.ProviderConfig;
import dev.reauth.oauth.TokenBundle;
import dev.reauth.oauth.TokenRequestFormat;
import dev.reauth.oauth.TokenResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The provider's token endpoint over HTTPS, on the JDK's own HTTP client. Response bodies are
 * parsed and validated here and never logged or forwarded: they hold tokens.
 */
public final class HttpAuthorizationServer implements AuthorizationServer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ERROR_CODE = Pattern.compile("[a-z_]{1,64}");
    private static final int MAX_TOKEN_LENGTH = 8192;
    private static final long MAX_EXPIRES_IN_SECONDS = 366L * 24 * 3600;

    private final HttpClient http;
    private final ProviderConfig config;
    private final Duration requestTimeout;

    public HttpAuthorizationServer(HttpClient http, ProviderConfig config, Duration requestTimeout) {
        this.http = http;
        this.config = config;
        this.requestTimeout = requestTimeout;
    }

    /** A client for provider calls: bounded connect time, no redirects (a token endpoint never redirects). */
    public static HttpClient defaultClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
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

        HttpRequest.Builder request = HttpRequest.newBuilder(config.tokenUrl())
                .timeout(requestTimeout)
                .header("Accept", "application/json");
        if (config.tokenRequestFormat() == TokenRequestFormat.JSON) {
            ObjectNode body = JSON.createObjectNode();
            fields.forEach(body::put);
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(ProviderConfig.formEncode(fields)));
        }

        HttpResponse<String> response = send(request.build(), "token endpoint");
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return parseGrant(response.body());
        }
        if (status >= 400 && status < 500) {
            Optional<String> error = errorCodeOf(response.body());
            if (error.isPresent()) {
                return new TokenResponse.Refused(status, error.get());
            }
        }
        throw new ReauthException.ProviderFailed("The provider's token endpoint answered HTTP " + status, null);
    }

    @Override
    public String createApiKey(String accessToken) {
        URI url = config.apiKeyUrl().orElseThrow(() ->
                new ReauthException.ProviderFailed("No API key endpoint is configured for console accounts", null));
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + accessToken)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response = send(request, "API key endpoint");
        if (response.statusCode() / 100 != 2) {
            throw new ReauthException.ProviderFailed("The provider's API key endpoint answered HTTP " + response.statusCode(), null);
        }
        return readJson(response.body())
                .flatMap(json -> requiredText(json, "raw_key"))
                .orElseThrow(() -> new ReauthException.ProviderFailed("The provider's API key response had no raw_key", null));
    }

    private HttpResponse<String> send(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new ReauthException.ProviderFailed("The provider's " + what + " did not answer in time", null);
        } catch (IOException e) {
            throw new ReauthException.ProviderFailed("The provider's " + what + " could not be reached", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReauthException.ProviderFailed("Interrupted while calling the provider's " + what, null);
        }
    }

    /** RFC 6749 §5.1: access_token, refresh_token and a positive integral expires_in are required here. */
    private static TokenResponse.Granted parseGrant(String body) {
        JsonNode json = readJson(body).orElseThrow(() -> incomplete("was not JSON"));
        String access = requiredText(json, "access_token").orElseThrow(() -> incomplete("had no access_token"));
        String refresh = requiredText(json, "refresh_token").orElseThrow(() -> incomplete("had no refresh_token"));
        JsonNode expiresIn = json.get("expires_in");
        if (expiresIn == null || !expiresIn.canConvertToExactIntegral()
                || expiresIn.asLong() <= 0 || expiresIn.asLong() > MAX_EXPIRES_IN_SECONDS) {
            throw incomplete("had no valid expires_in");
        }
        String tokenType = requiredText(json, "token_type").orElse("Bearer");
        Optional<String> scope = requiredText(json, "scope");
        return new TokenResponse.Granted(
                new TokenBundle(access, refresh, tokenType, scope, Optional.empty()),
                Duration.ofSeconds(expiresIn.asLong()));
    }

    private static ReauthException.ProviderFailed incomplete(String what) {
        return new ReauthException.ProviderFailed("The provider's token response " + what, null);
    }

    private static Optional<String> errorCodeOf(String body) {
        return readJson(body)
                .flatMap(json -> requiredText(json, "error"))
                .map(error -> ERROR_CODE.matcher(error).matches() ? error : "unrecognized_error");
    }

    private static Optional<String> requiredText(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank() || node.asText().length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }

    private static Optional<JsonNode> readJson(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode json = JSON.readTree(body);
            return json != null && json.isObject() ? Optional.of(json) : Optional.empty();
        } catch (JsonProcessingException e) {
            // the parser's message quotes the body, which may hold tokens: drop it
            return Optional.empty();
        }
    }
}
