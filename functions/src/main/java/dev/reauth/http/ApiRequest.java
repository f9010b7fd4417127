package dev.reauth.http;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An API Gateway HTTP API (payload v2) request reduced to what the routes use. Header names are
 * lower-cased; a base64 body is decoded.
 *
 * @param bodyBytes the size of the body as sent, for the size limit
 * @param principal the IAM caller (user ARN) on IAM-authorized routes
 */
public record ApiRequest(String routeKey, Map<String, String> pathParameters, Map<String, String> queryParameters,
                         Map<String, String> headers, String body, int bodyBytes, String requestId,
                         Optional<String> principal) {

    public static ApiRequest from(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        String routeKey = event.getRouteKey();
        if ((routeKey == null || routeKey.isBlank()) && context != null && context.getHttp() != null) {
            routeKey = context.getHttp().getMethod() + " " + context.getHttp().getPath();
        }
        byte[] body = decode(event.getBody(), event.getIsBase64Encoded());
        return new ApiRequest(
                routeKey == null ? "" : routeKey,
                orEmpty(event.getPathParameters()),
                orEmpty(event.getQueryStringParameters()),
                orEmpty(event.getHeaders()).entrySet().stream()
                        .collect(Collectors.toUnmodifiableMap(e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue, (a, b) -> a)),
                body == null ? null : new String(body, StandardCharsets.UTF_8),
                body == null ? 0 : body.length,
                context == null ? null : context.getRequestId(),
                principalOf(context));
    }

    private static byte[] decode(String body, boolean base64) {
        if (body == null) {
            return null;
        }
        if (!base64) {
            return body.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static Optional<String> principalOf(APIGatewayV2HTTPEvent.RequestContext context) {
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getIam() == null) {
            return Optional.empty();
        }
        APIGatewayV2HTTPEvent.RequestContext.IAM iam = context.getAuthorizer().getIam();
        return Optional.ofNullable(iam.getUserArn()).or(() -> Optional.ofNullable(iam.getCallerId()));
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(queryParameters.get(name));
    }

    public Optional<String> path(String name) {
        return Optional.ofNullable(pathParameters.get(name));
    }

    @Override
    public String toString() {
        // query and body may carry codes and state
        return "ApiRequest[" + routeKey + ", requestId=" + requestId + "]";
    }
}
