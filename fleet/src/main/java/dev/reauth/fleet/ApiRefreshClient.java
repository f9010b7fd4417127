package dev.reauth.fleet;

import dev.reauth.wire.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * {@code POST /accounts/{id}/refresh} on the reauth API, signed with SigV4 (service
 * {@code execute-api}) by the AWS SDK's own signer, as the stack's FleetPolicy allows.
 */
public final class ApiRefreshClient implements RefreshClient {

    private static final Pattern ACCOUNT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** reauth waits up to 15 s for a refresh in flight, and the provider call takes up to 10 s. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI apiUrl;
    private final RequestSigner signer;
    private final HttpClient http;

    /**
     * @param apiUrl      the stack's ApiUrl output
     * @param credentials the proxy's role (with the stack's FleetPolicy)
     */
    public ApiRefreshClient(URI apiUrl, AwsCredentialsProvider credentials, String region, Clock clock) {
        this.apiUrl = apiUrl;
        this.signer = new RequestSigner(credentials, region, clock);
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public long refresh(String accountId, OptionalLong knownVersion) {
        if (!ACCOUNT_ID.matcher(accountId).matches()) {
            throw new IllegalArgumentException("not an account id");
        }
        URI uri = URI.create(apiUrl.toString().replaceAll("/+$", "") + "/accounts/" + accountId + "/refresh");
        String body = knownVersion.isPresent()
                ? Json.object().put("tokenVersion", knownVersion.getAsLong()).toJson()
                : "{}";
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).POST(HttpRequest.BodyPublishers.ofString(body));
        signer.sign("POST", uri, Map.of("Content-Type", "application/json"), body)
                .forEach((name, values) -> {
                    // java.net.http sets Host and Content-Length itself
                    if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                        values.forEach(value -> request.header(name, value));
                    }
                });
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FleetException.DependencyFailed("The reauth API could not be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FleetException.DependencyFailed("Interrupted while asking reauth to refresh", e);
        }
        Map<String, Object> answer = Json.parseObjectOrEmpty(response.body()).orElse(Map.of());
        if (response.statusCode() == 200 && answer.get("tokenVersion") instanceof Long version) {
            return version;
        }
        Optional<String> error = Json.string(answer, "error").filter(e -> e.matches("[a-z_]{1,64}"));
        if (response.statusCode() == 409
                && error.filter("reauth_required"::equals).isPresent()) {
            throw new AccountRequiresReauthException(accountId, "reported by reauth");
        }
        throw new FleetException.DependencyFailed(
                "reauth answered HTTP " + response.statusCode()
                        + error.map(e -> " (" + e + ")").orElse("") + " to the refresh request",
                null);
    }
}
