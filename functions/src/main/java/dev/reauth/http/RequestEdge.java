package dev.reauth.http;

import dev.reauth.log.StructuredLog;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What every function's edge does before a route serves a request: the request id in the log
 * context, a 404 for a route it does not serve, a 403 for an IAM route whose event carries no IAM
 * authorizer (a misconfigured route or a direct invoke must not become an unauthenticated admin call),
 * and a 413 for a body over {@link #MAX_BODY_BYTES} before anything parses it.
 */
public final class RequestEdge {

    /** Larger bodies are refused before parsing (a pasted code or an import is well under it). */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    /** Writes a refusal in the response type of the function: status, error code, description. */
    @FunctionalInterface
    public interface Refusal<T> {
        T with(int status, String error, String description);
    }

    private RequestEdge() {}

    /** Serves {@code request} on {@code route} with {@code serve}, or refuses it; logs under {@code log}. */
    public static <R, T> T handle(
            ApiRequest request,
            Optional<R> route,
            Function<R, String> routeKey,
            Predicate<R> iamAuthorized,
            StructuredLog log,
            Refusal<T> refuse,
            Function<R, T> serve) {
        StructuredLog.beginRequest(request.requestId());
        try {
            if (route.isEmpty()) {
                log.warn("request.unknown_route");
                return refuse.with(404, "not_found", "No such route");
            }
            log.info("request.received", "route", routeKey.apply(route.get()));
            if (iamAuthorized.test(route.get()) && request.principal().isEmpty()) {
                log.warn("request.no_iam_authorizer");
                return refuse.with(403, "forbidden", "This route needs IAM authorization; the request carried none");
            }
            if (request.bodyBytes() > MAX_BODY_BYTES) {
                return refuse.with(413, "request_too_large", "The request body exceeds " + MAX_BODY_BYTES + " bytes");
            }
            return serve.apply(route.get());
        } finally {
            StructuredLog.endRequest();
        }
    }
}
