package dev.reauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.local.LocalDeployment;
import dev.reauth.wire.Schema;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenBundleJson;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What the terminal tests do to a local deployment's accounts over its HTTP API, as the rest of the system would. */
final class LocalLogins {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LocalLogins() {}

    /** A new account with tokens: seeded, then one whole re-authentication through the API at the local provider. */
    static String logIn(LocalDeployment deployment, String name) throws Exception {
        String id = deployment.aws().seedAccount(name, Map.of());
        HttpResponse<String> started = post(deployment, "/accounts/" + name + "/reauth", "");
        String pasted = deployment
                .provider()
                .authorize(
                        JSON.readTree(started.body()).path("authorizationUrl").asText())
                .pasted();
        HttpResponse<String> done = post(
                deployment,
                "/oauth/callback",
                JSON.createObjectNode().put("code", pasted).toString());
        if (done.statusCode() != 200) {
            throw new IllegalStateException("the login of " + name + " failed: " + done.body());
        }
        return id;
    }

    /** POST /accounts/{id}/refresh, as a proxy whose upstream call answered 401: the answer. */
    static HttpResponse<String> refreshNow(LocalDeployment deployment, String id) throws Exception {
        return post(deployment, "/accounts/" + id + "/refresh", "");
    }

    /** The account's tokens, decrypted as the fleet decrypts them. */
    static TokenBundle tokens(LocalDeployment deployment, String id) {
        Map<String, AttributeValue> item = deployment.aws().account(id);
        byte[] plaintext = deployment
                .aws()
                .kms()
                .decrypt(d -> d.ciphertextBlob(
                                item.get(Accounts.TOKEN_CIPHERTEXT).b())
                        .encryptionContext(Schema.encryptionContext(id)))
                .plaintext()
                .asByteArray();
        return TokenBundleJson.read(plaintext);
    }

    static JsonNode json(String body) throws IOException {
        return JSON.readTree(body);
    }

    private static HttpResponse<String> post(LocalDeployment deployment, String path, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(deployment.api().baseUrl().resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
