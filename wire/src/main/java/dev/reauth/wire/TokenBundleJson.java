package dev.reauth.wire;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The plaintext layout of {@code token_ciphertext}: a JSON object with {@code access_token},
 * {@code refresh_token}, {@code token_type}, and {@code scope} and {@code api_key} when present.
 * The fleet decrypts and reads this same layout.
 */
public final class TokenBundleJson {

    private TokenBundleJson() {}

    public static byte[] write(TokenBundle bundle) {
        Json.ObjectWriter json = Json.object()
                .put("access_token", bundle.accessToken())
                .put("refresh_token", bundle.refreshToken())
                .put("token_type", bundle.tokenType());
        bundle.scope().ifPresent(scope -> json.put("scope", scope));
        bundle.apiKey().ifPresent(key -> json.put("api_key", key));
        return json.toJson().getBytes(StandardCharsets.UTF_8);
    }

    public static TokenBundle read(byte[] plaintext) {
        Map<String, Object> json = Json.parseObjectOrEmpty(new String(plaintext, StandardCharsets.UTF_8))
                .orElseThrow(() -> new IllegalArgumentException("token bundle is not a JSON object"));
        return new TokenBundle(
                Json.string(json, "access_token")
                        .orElseThrow(() -> new IllegalArgumentException("token bundle has no access_token")),
                Json.string(json, "refresh_token")
                        .orElseThrow(() -> new IllegalArgumentException("token bundle has no refresh_token")),
                Json.string(json, "token_type").orElse("Bearer"),
                Json.string(json, "scope"),
                Json.string(json, "api_key"));
    }
}
