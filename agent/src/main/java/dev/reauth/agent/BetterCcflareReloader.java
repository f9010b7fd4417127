package dev.reauth.agent;

import dev.reauth.wire.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * better-ccflare's {@code POST /api/accounts/:id/reload}: it drops the account's in-flight refresh and
 * usage caches, so the next request reads the tokens from the database. When better-ccflare has API
 * keys, its /api routes need one with the admin role, sent as {@code x-api-key}. It reloads only
 * Claude OAuth accounts (provider "anthropic"); console accounts need no reload.
 */
public final class BetterCcflareReloader implements ProxyReloader {

    private final URI baseUrl;
    private final Optional<String> adminApiKey;
    private final HttpClient http;
    private final Duration timeout;

    public BetterCcflareReloader(URI baseUrl, Optional<String> adminApiKey, Duration timeout) {
        this.baseUrl = baseUrl;
        this.adminApiKey = adminApiKey;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    @Override
    public Outcome reload(ProxyStore.StoredAccount account) {
        if (!"anthropic".equals(account.kind())) {
            return Outcome.notNeeded("better-ccflare reloads only Claude OAuth accounts");
        }
        URI uri = baseUrl.resolve(
                "/api/accounts/" + URLEncoder.encode(account.proxyId(), StandardCharsets.UTF_8) + "/reload");
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(timeout).POST(HttpRequest.BodyPublishers.noBody());
        adminApiKey.ifPresent(key -> request.header("x-api-key", key));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            boolean success = response.statusCode() == 200
                    && Json.parseObjectOrEmpty(response.body())
                            .map(json -> Boolean.TRUE.equals(json.get("success")))
                            .orElse(false);
            return new Outcome(success, response.statusCode(), success ? "reloaded" : "refused");
        } catch (IOException e) {
            return new Outcome(false, 0, "unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, 0, "interrupted");
        }
    }
}
