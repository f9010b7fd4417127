package dev.reauth.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A response to API Gateway. Every response forbids caching (RFC 6749 §5.1: responses about tokens
 * and codes must not be stored) and sends no referrer onward.
 */
public record ApiResponse(int status, String contentType, String body) {

    private static final Map<String, String> COMMON = Map.of(
            "Cache-Control", "no-store",
            "Pragma", "no-cache",
            "Referrer-Policy", "no-referrer",
            "X-Content-Type-Options", "nosniff");

    public static ApiResponse json(int status, ObjectNode body) {
        return new ApiResponse(status, "application/json", body.toString());
    }

    public static ApiResponse html(int status, String body) {
        return new ApiResponse(status, "text/html; charset=utf-8", body);
    }

    public APIGatewayV2HTTPResponse toLambda() {
        Map<String, String> headers = new java.util.HashMap<>(COMMON);
        headers.put("Content-Type", contentType);
        if (contentType.startsWith("text/html")) {
            headers.put("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(status)
                .withHeaders(headers)
                .withBody(body)
                .withIsBase64Encoded(false)
                .build();
    }
}
