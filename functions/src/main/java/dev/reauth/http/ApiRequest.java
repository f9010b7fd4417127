package dev.reauth.http;

import dev.reauth.wire.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An API Gateway HTTP API (payload format 2.0) request reduced to what the routes use, read
 * straight from the event's JSON. Header names are lower-cased; a base64 body is decoded.
 *
 * @param bodyBytes the size of the body as sent, for the size limit
 * @param principal the IAM caller (user ARN) on IAM-authorized routes
 */
public record ApiRequest(
        String routeKey,
        Map<String, String> pathParameters,
        Map<String, String> queryParameters,
        Map<String, String> headers,
        String body,
        int bodyBytes,
        String requestId,
        Optional<String> principal) {

    /** The event is not an HTTP API payload. */
    public static final class NotAnEvent extends Exception {
        NotAnEvent(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads an HTTP API v2 event, as API Gateway (or sam local invoke) sends it. */
    public static ApiRequest fromEvent(String eventJson) throws NotAnEvent {
        Map<String, Object> event;
        try {
            event = Json.parseEnvelope(eventJson);
        } catch (Json.NotAnObject e) {
            throw new NotAnEvent("the event is not a JSON object");
        }
        Map<String, Object> context = Json.object(event, "requestContext");
        Map<String, Object> http = Json.object(context, "http");
        String routeKey = Json.string(event, "routeKey")
                .filter(key -> !key.isBlank() && !key.equals("$default"))
                .orElseGet(() -> Json.string(http, "method").orElse("") + " "
                        + Json.string(http, "path").orElse(""));
        Map<String, String> headers = new LinkedHashMap<>();
        Json.strings(event, "headers").forEach((k, v) -> headers.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
        byte[] body =
                decode(Json.string(event, "body").orElse(null), Boolean.TRUE.equals(event.get("isBase64Encoded")));
        Map<String, Object> iam = Json.object(Json.object(context, "authorizer"), "iam");
        return new ApiRequest(
                routeKey.strip(),
                Json.strings(event, "pathParameters"),
                Json.strings(event, "queryStringParameters"),
                headers,
                body == null ? null : new String(body, StandardCharsets.UTF_8),
                body == null ? 0 : body.length,
                Json.string(context, "requestId").orElse(null),
                Json.string(iam, "userArn").or(() -> Json.string(iam, "callerId")));
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
