package dev.reauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The reauth HTTP API, as the CLI calls it: JSON in and out, SigV4-signed when a signer is given
 * (a deployed, IAM-authorized API), unsigned for the local run.
 */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection");

    /** A response: status and JSON body (an empty object when the body was not JSON), every string cleaned for the terminal. */
    public record Answer(int status, JsonNode body) {
        public String error() {
            return body.path("error").asText("");
        }

        public String description() {
            return body.path("error_description").asText(body.path("message").asText(""));
        }
    }

    private final URI base;
    private final Optional<RequestSigner> signer;
    private final Debug debug;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public ApiClient(URI base, Optional<RequestSigner> signer, Debug debug) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.signer = signer;
        this.debug = debug;
    }

    public URI base() {
        return base;
    }

    /** Starts re-authenticating; {@code allowAccountChange} lets another provider account take the account over. */
    public Answer startReauth(String name, boolean allowAccountChange) {
        return send(
                "POST",
                "accounts/" + segment(name) + "/reauth",
                allowAccountChange
                        ? JSON.createObjectNode()
                                .put("allowAccountChange", true)
                                .toString()
                        : null);
    }

    public Answer addAccount(String name, String mode) {
        return send(
                "POST",
                "accounts",
                JSON.createObjectNode().put("name", name).put("mode", mode).toString());
    }

    public Answer callback(String pasted) {
        return send(
                "POST",
                "oauth/callback",
                JSON.createObjectNode().put("code", pasted).toString());
    }

    /** {@code POST /accounts/by-name/{name}/reload}: asks the fleet to reload the named account's tokens. */
    public Answer reload(String name) {
        return send("POST", "accounts/by-name/" + segment(name) + "/reload", null);
    }

    /** {@code POST /accounts/{id}/reload}: the same by id, the one route of stacks older than reload by name. */
    public Answer reloadById(String accountId) {
        return send("POST", "accounts/" + segment(accountId) + "/reload", null);
    }

    /** {@code POST /accounts/{name}/link}: a one-time re-auth link; its URL is a capability, never logged. */
    public Answer createLink(String name) {
        return createLink(name, false);
    }

    /**
     * The same; {@code bindFirstLogin} lets the link serve an account bound to no provider identity yet
     * (whoever logs in first through it binds the account), which the API refuses without it.
     */
    public Answer createLink(String name, boolean bindFirstLogin) {
        return send("POST", "accounts/" + segment(name) + "/link", bindFirstLogin ? "{\"bindFirstLogin\":true}" : null);
    }

    /** {@code DELETE /accounts/{name}/link}: ends the account's live link, if any. */
    public Answer revokeLink(String name) {
        return send("DELETE", "accounts/" + segment(name) + "/link", null);
    }

    /** {@code POST /accounts/import}; {@code json} carries tokens, so it goes into the body and nowhere else. */
    public Answer importAccount(String json) {
        return send("POST", "accounts/import", json);
    }

    public Answer listAccounts() {
        return send("GET", "accounts", null);
    }

    private Answer send(String method, String path, String body) {
        URI uri = base.resolve(path);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        Map<String, List<String>> signed;
        try {
            signed = signer.map(s -> s.sign(method, uri, headers, body)).orElseGet(() -> {
                Map<String, List<String>> plain = new LinkedHashMap<>();
                headers.forEach((k, v) -> plain.put(k, List.of(v)));
                return plain;
            });
        } catch (SdkException e) {
            // the credentials are resolved here, on the first signed request
            throw AwsFailures.explain(e, "signing the request");
        }
        signed.forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
            }
        });
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            debug.log(
                    "oauth:http",
                    method + " " + uri.getPath() + " -> " + response.statusCode() + " ("
                            + (System.nanoTime() - started) / 1_000_000 + " ms)");
            JsonNode json;
            try {
                json = response.body() == null || response.body().isBlank()
                        ? JSON.createObjectNode()
                        : JSON.readTree(response.body());
            } catch (IOException notJson) {
                json = JSON.createObjectNode();
            }
            return new Answer(response.statusCode(), TerminalText.clean(json));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CliFailure(
                    ExitCode.API_UNREACHABLE,
                    "cannot reach the reauth API at " + base
                            + (ApiEndpoint.isLoopback(base)
                                    ? " (is the local run serving? infra/local-run --serve; or give --api-url)"
                                    : " (check --api-url, --stack or REAUTH_API_URL, and the network)"));
        } catch (IOException e) {
            throw new CliFailure(
                    ExitCode.API_UNREACHABLE,
                    "the reauth API at " + base + " did not answer ("
                            + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitCode.FAILED, "interrupted");
        }
    }

    private static String segment(String value) {
        String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        // "." and ".." are dot segments: resolving against the base would remove them, and the request go elsewhere
        return encoded.equals(".") || encoded.equals("..") ? encoded.replace(".", "%2E") : encoded;
    }
}
