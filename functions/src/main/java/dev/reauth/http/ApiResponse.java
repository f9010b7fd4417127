package dev.reauth.http;

import dev.reauth.wire.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response to API Gateway. Every response forbids caching (RFC 6749 §5.1: responses about tokens
 * and codes must not be stored) and sends no referrer onward.
 */
public record ApiResponse(int status, String contentType, String body, Map<String, String> extraHeaders) {

    public ApiResponse {
        extraHeaders = Map.copyOf(extraHeaders);
    }

    public ApiResponse(int status, String contentType, String body) {
        this(status, contentType, body, Map.of());
    }

    /** The same response with one more header (for example {@code Retry-After}). */
    public ApiResponse withHeader(String name, String value) {
        Map<String, String> headers = new LinkedHashMap<>(extraHeaders);
        headers.put(name, value);
        return new ApiResponse(status, contentType, body, headers);
    }

    public static ApiResponse json(int status, String body) {
        return new ApiResponse(status, "application/json", body);
    }

    public static ApiResponse html(int status, String body) {
        return new ApiResponse(status, "text/html; charset=utf-8", body);
    }

    public Map<String, String> headers() {
        Map<String, String> headers = noStoreHeaders(contentType);
        if (contentType.startsWith("text/html")) {
            headers.put(
                    "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
            headers.put("X-Frame-Options", "DENY");
        }
        headers.putAll(extraHeaders);
        return headers;
    }

    /** The HTTP API v2 response payload Lambda returns to API Gateway. */
    public String toEventJson() {
        return eventJson(status, headers(), body);
    }

    /** The headers every response of reauth's functions sends: never stored, no referrer onward, no sniffing. */
    public static Map<String, String> noStoreHeaders(String contentType) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.put("Cache-Control", "no-store");
        headers.put("Pragma", "no-cache");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Content-Type-Options", "nosniff");
        return headers;
    }

    /** An HTTP API v2 response payload: what a function returns to API Gateway. */
    public static String eventJson(int status, Map<String, String> headers, String body) {
        return Json.object()
                .put("statusCode", status)
                .put("headers", headers)
                .put("body", body)
                .put("isBase64Encoded", false)
                .toJson();
    }
}
