package dev.reauth.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reauth.oauth.TokenBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The plaintext layout of {@code token_ciphertext}: a JSON object with {@code access_token},
 * {@code refresh_token}, {@code token_type}, and {@code scope} and {@code api_key} when present.
 * The fleet decrypts and reads this same layout.
 */
public final class TokenBundleJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenBundleJson() {
    }

    public static byte[] write(TokenBundle bundle) {
        ObjectNode node = JSON.createObjectNode();
        node.put("access_token", bundle.accessToken());
        node.put("refresh_token", bundle.refreshToken());
        node.put("token_type", bundle.tokenType());
        bundle.scope().ifPresent(scope -> node.put("scope", scope));
        bundle.apiKey().ifPresent(key -> node.put("api_key", key));
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static TokenBundle read(byte[] plaintext) {
        try {
            JsonNode node = JSON.readTree(plaintext);
            return new TokenBundle(node.path("access_token").asText(), node.path("refresh_token").asText(),
                    node.path("token_type").asText("Bearer"), text(node, "scope"), text(node, "api_key"));
        } catch (IOException e) {
            // the parser's message would quote the plaintext
            throw new IllegalArgumentException("token bundle is not valid JSON");
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() ? Optional.empty() : Optional.of(value.asText());
    }
}
