package dev.reauth.http;

import dev.reauth.domain.ReauthException;
import dev.reauth.wire.Json;

/**
 * The one place that maps failures to HTTP: the status of each failure kind, and the RFC 6749-style
 * body {@code {"error": ..., "error_description": ...}}. Only the failure's own safe description is
 * used, never the text of an exception it wraps.
 */
public final class ErrorResponses {

    private ErrorResponses() {}

    public static int statusOf(ReauthException failure) {
        return switch (failure) {
            case ReauthException.InvalidRequest e -> 400;
            case ReauthException.CodeRejected e -> 400;
            case ReauthException.AccountNotFound e -> 404;
            case ReauthException.AccountExists e -> 409;
            case ReauthException.SessionUsed e -> 409;
            case ReauthException.AccountMismatch e -> 409;
            case ReauthException.AccountUnbound e -> 409;
            case ReauthException.NameReserved e -> 409;
            case ReauthException.ReauthRequired e -> 409;
            case ReauthException.SessionExpired e -> 410;
            case ReauthException.RateLimited e -> 429;
            case ReauthException.ProviderFailed e -> 502;
            case ReauthException.IdentityUnverified e -> 503;
            case ReauthException.DependencyFailed e -> 503;
        };
    }

    public static ApiResponse json(ReauthException failure) {
        ApiResponse response = json(statusOf(failure), failure.error(), failure.description());
        if (failure instanceof ReauthException.RateLimited limited) {
            // RFC 9110 §10.2.3: whole seconds, rounded up so the caller never asks too early
            long seconds = Math.max(1, (limited.retryAfter().toMillis() + 999) / 1000);
            return response.withHeader("Retry-After", Long.toString(seconds));
        }
        return response;
    }

    public static ApiResponse json(int status, String error, String description) {
        return ApiResponse.json(
                status,
                Json.object()
                        .put("error", error)
                        .put("error_description", description)
                        .toJson());
    }

    /** For failures that are not the flow's own (bugs): a fixed text, nothing from the exception. */
    public static ApiResponse unexpected() {
        return json(500, "server_error", "An unexpected error occurred; the request id in the logs identifies it");
    }
}
