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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * {@code POST /accounts/{id}/refresh} on the reauth API, signed with SigV4 (service
 * {@code execute-api}) by the AWS SDK's own signer, as the stack's FleetPolicy allows.
 */
public final class ApiRefreshClient implements RefreshClient {

    private static final Pattern ACCOUNT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** reauth waits up to 15 s for a refresh in flight, and the provider call takes up to 10 s. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI apiUrl;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final Clock clock;
    private final HttpClient http;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * @param apiUrl      the stack's ApiUrl output
     * @param credentials the proxy's role (with the stack's FleetPolicy)
     */
    public ApiRefreshClient(URI apiUrl, AwsCredentialsProvider credentials, String region, Clock clock) {
        this.apiUrl = apiUrl;
        this.credentials = credentials;
        this.region = region;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public long refresh(String accountId, OptionalLong knownVersion) {
        if (!ACCOUNT_ID.matcher(accountId).matches()) {
            throw new IllegalArgumentException("not an account id");
        }
        URI uri = URI.create(apiUrl.toString().replaceAll("/+$", "") + "/accounts/" + accountId + "/refresh");
        String body = knownVersion.isPresent() ? Json.object().put("tokenVersion", knownVersion.getAsLong()).toJson() : "{}";
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        sign(uri, body).forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host")) {
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
        if (response.statusCode() == 409 && error.filter("reauth_required"::equals).isPresent()) {
            throw new AccountRequiresReauthException(accountId, "reported by reauth");
        }
        throw new FleetException.DependencyFailed("reauth answered HTTP " + response.statusCode()
                + error.map(e -> " (" + e + ")").orElse("") + " to the refresh request", null);
    }

    private Map<String, List<String>> sign(URI uri, String body) {
        SdkHttpRequest unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri)
                .putHeader("Content-Type", "application/json").build();
        try {
            SignedRequest signed = signer.sign(r -> r
                    .identity(credentials.resolveCredentials())
                    .request(unsigned)
                    .payload(ContentStreamProvider.fromByteArray(body.getBytes(StandardCharsets.UTF_8)))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(HttpSigner.SIGNING_CLOCK, clock));
            return signed.request().headers();
        } catch (SdkException e) {
            throw new FleetException.DependencyFailed("No AWS credentials to sign the refresh request with", e);
        }
    }
}
