package dev.reauth.provider;

import dev.reauth.domain.ProviderProfile;
import dev.reauth.domain.ReauthException;
import dev.reauth.oauth.ProviderIdentity;
import dev.reauth.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The provider's profile endpoint over HTTPS: {@code GET} with the access token as bearer and the same
 * User-Agent as every other provider call. A 2xx names the account; 401 and 403 mean the provider does
 * not accept the token; anything else, or no answer within the timeout, is a failure to check. The
 * answer is parsed here and never logged.
 */
public final class HttpProviderProfile implements ProviderProfile {

    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final URI url;
    private final Duration timeout;
    private final String userAgent;
    private final HttpClient client;

    /** @param userAgent the provider User-Agent (OAUTH_USER_AGENT), printable ASCII and not empty */
    public HttpProviderProfile(URI url, Duration timeout, String userAgent) {
        if (userAgent == null || userAgent.isBlank() || !userAgent.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("The provider User-Agent must be printable ASCII and not empty");
        }
        this.url = url;
        this.timeout = timeout;
        this.userAgent = userAgent.strip();
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
    }

    @Override
    public Optional<ProviderIdentity> identify(String accessToken) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("User-Agent", userAgent)
                .header("Authorization", "Bearer " + accessToken)
                .GET()
                .build();
        int status;
        String body;
        try {
            HttpResponse<InputStream> answer = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = answer.statusCode();
            try (InputStream in = answer.body()) {
                body = new String(in.readNBytes(MAX_RESPONSE_BYTES), StandardCharsets.UTF_8);
            }
        } catch (HttpTimeoutException e) {
            throw new ReauthException.ProviderFailed("The provider's profile endpoint did not answer in time", null);
        } catch (IOException e) {
            throw new ReauthException.ProviderFailed("The provider's profile endpoint could not be reached", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReauthException.ProviderFailed("Interrupted while calling the provider's profile endpoint", null);
        }
        if (status == 401 || status == 403) {
            return Optional.empty();
        }
        if (status / 100 != 2) {
            throw new ReauthException.ProviderFailed("The provider's profile endpoint answered HTTP " + status, null);
        }
        return Optional.of(Json.parseObjectOrEmpty(body)
                .flatMap(ProviderIdentity::fromProfile)
                .orElseThrow(() ->
                        new ReauthException.ProviderFailed("The provider's profile answer named no account", null)));
    }
}
