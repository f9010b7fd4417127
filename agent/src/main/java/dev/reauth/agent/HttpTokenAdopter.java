package dev.reauth.agent;

import dev.reauth.fleet.RequestSigner;
import dev.reauth.wire.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * reauth's {@code POST /accounts/{id}/tokens} (IAM authorization): body
 * {@code {"baseTokenVersion": N, "accessToken", "refreshToken", "expiresAt": epochMs}}; 2xx adopted
 * (the answer's {@code tokenVersion}), 409 conflict. Requests to a deployed API are signed with SigV4
 * ({@link RequestSigner}); a local API takes them unsigned.
 */
public final class HttpTokenAdopter implements TokenAdopter {

    private static final System.Logger LOG = System.getLogger(HttpTokenAdopter.class.getName());

    private final URI apiUrl;
    private final Optional<RequestSigner> signer;
    private final HttpClient http;
    private final Duration timeout;

    public HttpTokenAdopter(URI apiUrl, Optional<RequestSigner> signer, Duration timeout) {
        this.apiUrl = apiUrl.toString().endsWith("/") ? apiUrl : URI.create(apiUrl + "/");
        this.signer = signer;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    @Override
    public Outcome adopt(String accountId, long baseTokenVersion, ProxyCredentials tokens) {
        URI uri = apiUrl.resolve("accounts/"
                + URLEncoder.encode(accountId, StandardCharsets.UTF_8).replace("+", "%20") + "/tokens");
        String body = Json.object()
                .put("baseTokenVersion", baseTokenVersion)
                .put("accessToken", tokens.accessToken())
                .put("refreshToken", tokens.refreshToken())
                .put("expiresAt", tokens.expiresAtMillis())
                .toJson();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        signer.ifPresent(s -> s.sign("POST", uri, Map.of("Content-Type", "application/json"), body)
                .forEach((name, values) -> addSigned(request, name, values)));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 == 2) {
                Object version = Json.parseObjectOrEmpty(response.body())
                        .map(json -> json.get("tokenVersion"))
                        .orElse(null);
                return version instanceof Long v
                        ? new Outcome.Adopted(v)
                        : new Outcome.Failed("answer " + status + " without tokenVersion");
            }
            if (status == 409) {
                return new Outcome.Conflict();
            }
            String error = Json.parseObjectOrEmpty(response.body())
                    .flatMap(json -> Json.string(json, "error"))
                    .orElse("");
            return new Outcome.Failed(
                    "HTTP " + status + (error.isEmpty() ? "" : " " + error), status / 100 == 5 || status == 429);
        } catch (IOException e) {
            return new Outcome.Failed("unreachable: " + e.getClass().getSimpleName(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Failed("interrupted");
        }
    }

    @Override
    public Optional<Duration> serve(String accountId) {
        URI uri = apiUrl.resolve("accounts/"
                + URLEncoder.encode(accountId, StandardCharsets.UTF_8).replace("+", "%20") + "/agent");
        String body = "{}";
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        signer.ifPresent(s -> s.sign("POST", uri, Map.of("Content-Type", "application/json"), body)
                .forEach((name, values) -> addSigned(request, name, values)));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "reauth refused the agent''s handshake for account {0} (HTTP {1})",
                        accountId,
                        response.statusCode());
                return Optional.empty();
            }
            return Json.parseObjectOrEmpty(response.body())
                    .flatMap(json -> Json.string(json, "refreshLead"))
                    .flatMap(HttpTokenAdopter::duration);
        } catch (IOException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "reauth is unreachable for the agent''s handshake ({0})",
                    e.getClass().getSimpleName());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Optional<Duration> duration(String text) {
        try {
            return Optional.of(Duration.parse(text));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static void addSigned(HttpRequest.Builder request, String name, List<String> values) {
        // java.net.http sets Host and Content-Length itself and refuses them as headers
        if (name.equalsIgnoreCase("Host")
                || name.equalsIgnoreCase("Content-Length")
                || name.equalsIgnoreCase("Content-Type")) {
            return;
        }
        values.forEach(value -> request.header(name, value));
    }
}
