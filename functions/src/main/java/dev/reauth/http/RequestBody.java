package dev.reauth.http;

import dev.reauth.domain.ReauthException;
import dev.reauth.oauth.AccountMode;
import dev.reauth.wire.Json;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Reads a request's JSON body field by field; each malformed value is a 400 that names the field, never its value. */
final class RequestBody {

    private RequestBody() {}

    static Map<String, Object> json(ApiRequest request) {
        if (request.body() == null || request.body().isBlank()) {
            throw new ReauthException.InvalidRequest("invalid_request", "A JSON body is required");
        }
        try {
            return Json.parseObject(request.body());
        } catch (Json.NotAnObject e) {
            throw new ReauthException.InvalidRequest("invalid_request", "The body must be a JSON object");
        }
    }

    static Optional<String> text(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value != null && !(value instanceof String)) {
            throw new ReauthException.InvalidRequest("invalid_request", field + " must be a string");
        }
        return Optional.ofNullable((String) value);
    }

    /** The account mode of a request body: "max" (the default) or "console". */
    static AccountMode mode(Map<String, Object> body) {
        try {
            return AccountMode.fromWire(text(body, "mode").orElse(AccountMode.MAX.wire()));
        } catch (IllegalArgumentException e) {
            throw new ReauthException.InvalidRequest("invalid_request", "mode must be \"max\" or \"console\"");
        }
    }

    static Optional<Long> number(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value != null && !(value instanceof Long)) {
            throw new ReauthException.InvalidRequest("invalid_request", field + " must be a whole number");
        }
        return Optional.ofNullable((Long) value);
    }

    /** A token from a request body: required, a bounded string without spaces; never echoed in an error. */
    static String token(Map<String, Object> body, String field) {
        String value = text(body, field)
                .orElseThrow(() -> new ReauthException.InvalidRequest("invalid_request", field + " is required"));
        if (value.isBlank() || value.length() > 8192 || value.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new ReauthException.InvalidRequest("invalid_request", field + " is malformed");
        }
        return value;
    }

    static Instant expiresAt(Map<String, Object> body) {
        long millis = number(body, "expiresAt")
                .orElseThrow(() -> new ReauthException.InvalidRequest(
                        "invalid_request", "expiresAt (epoch milliseconds) is required"));
        if (millis <= 0) {
            throw new ReauthException.InvalidRequest("invalid_request", "expiresAt must be epoch milliseconds");
        }
        return Instant.ofEpochMilli(millis);
    }

    /**
     * The refresh token's absolute deadline, where the proxy knows it ({@code refreshTokenExpiresAt}, epoch
     * milliseconds); empty when the body does not say (better-ccflare stores none).
     */
    static Optional<Instant> refreshTokenExpiresAt(Map<String, Object> body) {
        Optional<Long> millis = number(body, "refreshTokenExpiresAt");
        if (millis.isPresent() && millis.get() <= 0) {
            throw new ReauthException.InvalidRequest(
                    "invalid_request", "refreshTokenExpiresAt must be epoch milliseconds");
        }
        return millis.map(Instant::ofEpochMilli);
    }
}
