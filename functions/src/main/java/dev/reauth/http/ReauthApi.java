package dev.reauth.http;

import dev.reauth.domain.Account;
import dev.reauth.domain.AccountStatus;
import dev.reauth.domain.CallbackRequest;
import dev.reauth.domain.CompletedAuthorization;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.ReauthService;
import dev.reauth.domain.RefreshHealth;
import dev.reauth.domain.StartedAuthorization;
import dev.reauth.wire.Json;
import dev.reauth.log.StructuredLog;
import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.ProviderIdentity;
import dev.reauth.refresh.RefreshOutcome;
import dev.reauth.refresh.RefreshService;
import dev.reauth.refresh.TokenIntake;
import dev.reauth.wire.TokenBundle;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The HTTP API over {@link ReauthService}: each route parses its input, makes one domain call and
 * renders the result. Failures become RFC 6749-style errors through {@link ErrorResponses}.
 */
public final class ReauthApi {

    /** Larger bodies are refused before parsing. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    private static final StructuredLog LOG = StructuredLog.of(ReauthApi.class);
    private static final Pattern PROVIDER_ERROR = Pattern.compile("[a-z_]{1,64}");

    private final ReauthService service;
    private final RefreshService refresher;
    private final TokenIntake intake;

    public ReauthApi(ReauthService service, RefreshService refresher, TokenIntake intake) {
        this.service = service;
        this.refresher = refresher;
        this.intake = intake;
    }

    /** Serves a request on one of {@code served}; any other route is a 404. */
    public ApiResponse handle(ApiRequest request, Set<Route> served) {
        StructuredLog.beginRequest(request.requestId());
        try {
            Optional<Route> route = Route.of(request.routeKey()).filter(served::contains);
            if (route.isEmpty()) {
                LOG.warn("request.unknown_route");
                return ErrorResponses.json(404, "not_found", "No such route");
            }
            LOG.info("request.received", "route", route.get().routeKey());
            if (request.bodyBytes() > MAX_BODY_BYTES) {
                return ErrorResponses.json(413, "request_too_large", "The request body exceeds " + MAX_BODY_BYTES + " bytes");
            }
            return serve(route.get(), request);
        } finally {
            StructuredLog.endRequest();
        }
    }

    private ApiResponse serve(Route route, ApiRequest request) {
        try {
            return switch (route) {
                case START_REAUTH -> startReauth(request);
                case ADD_ACCOUNT -> add(request);
                case PASTED_CALLBACK -> pastedCallback(request);
                case BROWSER_CALLBACK -> browserCallback(request);
                case RELOAD -> reload(request);
                case REFRESH -> refresh(request);
                case ADOPT_TOKENS -> adopt(request);
                case IMPORT_ACCOUNT -> importAccount(request);
                case LIST_ACCOUNTS -> list();
            };
        } catch (ReauthException failure) {
            int status = ErrorResponses.statusOf(failure);
            if (status >= 500) {
                LOG.error("request.failed", failure, "status", status, "error", failure.error());
            } else {
                LOG.warn("request.refused", "status", status, "error", failure.error());
            }
            return route == Route.BROWSER_CALLBACK
                    ? CallbackPage.failure(status, "Re-authentication failed", CallbackPage.publicDescription(failure))
                    : ErrorResponses.json(failure);
        } catch (RuntimeException bug) {
            LOG.error("request.unexpected_failure", bug);
            return route == Route.BROWSER_CALLBACK
                    ? CallbackPage.failure(500, "Re-authentication failed", "An unexpected error occurred")
                    : ErrorResponses.unexpected();
        }
    }

    private ApiResponse startReauth(ApiRequest request) {
        boolean allowAccountChange = false;
        if (request.body() != null && !request.body().isBlank()) {
            Object allow = jsonBody(request).get("allowAccountChange");
            if (allow != null && !(allow instanceof Boolean)) {
                throw new ReauthException.InvalidRequest("invalid_request", "allowAccountChange must be true or false");
            }
            allowAccountChange = Boolean.TRUE.equals(allow);
        }
        return started(service.startReauth(request.path("name").orElse(null), request.principal(), allowAccountChange));
    }

    private ApiResponse add(ApiRequest request) {
        Map<String, Object> body = jsonBody(request);
        String name = text(body, "name").orElse(null);
        AccountMode mode;
        try {
            mode = AccountMode.fromWire(text(body, "mode").orElse(AccountMode.MAX.wire()));
        } catch (IllegalArgumentException e) {
            throw new ReauthException.InvalidRequest("invalid_request", e.getMessage());
        }
        return started(service.startAdd(name, mode, request.principal()));
    }

    private ApiResponse started(StartedAuthorization started) {
        return ApiResponse.json(200, Json.object()
                .put("account", started.accountName())
                .put("mode", started.mode().wire())
                .put("authorizationUrl", started.authorizationUrl())
                .put("expiresAt", started.expiresAt().toString())
                .toJson());
    }

    private ApiResponse pastedCallback(ApiRequest request) {
        Map<String, Object> body = jsonBody(request);
        String code = text(body, "code").orElseThrow(() ->
                new ReauthException.InvalidRequest("invalid_request", "code is required: {\"code\": \"<code>#<state>\"}"));
        CompletedAuthorization done = service.complete(CallbackRequest.of(code, text(body, "state").orElse(null)));
        Json.ObjectWriter answer = Json.object()
                .put("success", true)
                .put("message", done.message())
                .put("accountId", done.accountId())
                .put("tokenVersion", done.tokenVersion())
                .put("cacheFlush", done.cacheFlushed() ? "published" : "failed");
        done.identity().ifPresent(identity -> answer.put("identity", identityJson(identity)));
        return ApiResponse.json(200, answer.toJson());
    }

    private ApiResponse browserCallback(ApiRequest request) {
        Optional<String> providerError = request.query("error");
        if (providerError.isPresent()) {
            // the provider redirected with an error: the session is left as it is
            // only the validated code is shown: error_description is whatever the link that led here said
            String error = PROVIDER_ERROR.matcher(providerError.get()).matches() ? providerError.get() : "unrecognized_error";
            LOG.warn("callback.provider_error", "providerError", error);
            return CallbackPage.failure(400, "Authorization was not granted",
                    "The provider answered " + error + ". Start the re-authentication again when ready.");
        }
        String code = request.query("code").orElseThrow(() ->
                new ReauthException.InvalidRequest("invalid_request", "The callback has no authorization code"));
        CompletedAuthorization done = service.complete(CallbackRequest.of(code, request.query("state").orElse(null)));
        return CallbackPage.success(done.message(), done.cacheFlushed()
                ? "Token cache has been cleared for running servers. You can close this window."
                : "The tokens are saved, but running servers could not be notified; they pick the new tokens up on their next version check.");
    }

    private ApiResponse reload(ApiRequest request) {
        var account = service.requestReload(request.path("id").orElse(null));
        return ApiResponse.json(200, Json.object()
                .put("success", true)
                .put("message", "Token reload triggered for account '" + account.name() + "'")
                .toJson());
    }

    /**
     * A proxy's upstream call answered 401: refresh now, single flight with every other caller and the
     * schedule. {@code {"tokenVersion": N}} is the version the proxy holds; when the tokens already
     * moved past it, the answer is immediate.
     */
    private ApiResponse refresh(ApiRequest request) {
        String id = Account.requireValidId(request.path("id").orElse(null));
        OptionalLong known = OptionalLong.empty();
        if (request.body() != null && !request.body().isBlank()) {
            Object version = jsonBody(request).get("tokenVersion");
            if (version != null && !(version instanceof Long)) {
                throw new ReauthException.InvalidRequest("invalid_request", "tokenVersion must be a whole number");
            }
            if (version != null) {
                known = OptionalLong.of((Long) version);
            }
        }
        RefreshOutcome outcome = refresher.refresh(id, known, RefreshService.Trigger.ON_DEMAND);
        Json.ObjectWriter answer = Json.object().put("accountId", id);
        switch (outcome) {
            case RefreshOutcome.Refreshed r -> answer.put("status", "refreshed").put("tokenVersion", r.tokenVersion())
                    .put("expiresAt", r.expiresAt().toString());
            case RefreshOutcome.Current c -> answer.put("status", "current").put("tokenVersion", c.tokenVersion());
            case RefreshOutcome.InFlight i -> answer.put("status", "in_flight").put("tokenVersion", i.tokenVersion());
            case RefreshOutcome.Dead d -> throw new ReauthException.ReauthRequired(
                    "The account requires re-authentication (" + d.reason() + "): reauth --reauthenticate <name>");
            case RefreshOutcome.Failed f -> throw new ReauthException.ProviderFailed(
                    "The refresh failed (" + f.result() + "); reauth tries again at " + f.retryAt(), null);
            case RefreshOutcome.Throttled t -> throw new ReauthException.ProviderFailed(
                    "The provider is rate limiting refreshes; try again in " + Math.max(1, t.retryAfter().toSeconds()) + " s", null);
        }
        return ApiResponse.json(200, answer.toJson());
    }

    /** A proxy's agent saw the proxy refresh on its own: adopt those tokens (compare-and-set on the version). */
    private ApiResponse adopt(ApiRequest request) {
        String id = Account.requireValidId(request.path("id").orElse(null));
        Map<String, Object> body = jsonBody(request);
        long base = number(body, "baseTokenVersion").orElseThrow(() ->
                new ReauthException.InvalidRequest("invalid_request", "baseTokenVersion is required"));
        long version = intake.adopt(id, base, token(body, "accessToken"), token(body, "refreshToken"), expiresAt(body));
        return ApiResponse.json(200, Json.object().put("accountId", id).put("status", "adopted").put("tokenVersion", version).toJson());
    }

    /** An account a proxy already holds becomes a reauth account; an existing name changes nothing. */
    private ApiResponse importAccount(ApiRequest request) {
        Map<String, Object> body = jsonBody(request);
        String name = text(body, "name").orElse(null);
        AccountMode mode;
        try {
            mode = AccountMode.fromWire(text(body, "mode").orElse(AccountMode.MAX.wire()));
        } catch (IllegalArgumentException e) {
            throw new ReauthException.InvalidRequest("invalid_request", e.getMessage());
        }
        OptionalLong priority = number(body, "priority").map(OptionalLong::of).orElse(OptionalLong.empty());
        Optional<String> apiKey = text(body, "apiKey").filter(key -> !key.isBlank());
        TokenBundle tokens = new TokenBundle(token(body, "accessToken"), token(body, "refreshToken"), "Bearer",
                text(body, "scope"), apiKey);
        TokenIntake.Imported done = intake.importAccount(name, mode, priority, tokens, expiresAt(body));
        return ApiResponse.json(done.created() ? 201 : 200, Json.object()
                .put("accountId", done.accountId())
                .put("name", name)
                .put("status", done.created() ? "created" : "exists")
                .put("tokenVersion", done.tokenVersion())
                .toJson());
    }

    private static Optional<Long> number(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value != null && !(value instanceof Long)) {
            throw new ReauthException.InvalidRequest("invalid_request", field + " must be a whole number");
        }
        return Optional.ofNullable((Long) value);
    }

    /** A token from a request body: required, a bounded string without spaces; never echoed in an error. */
    private static String token(Map<String, Object> body, String field) {
        String value = text(body, field).orElseThrow(() ->
                new ReauthException.InvalidRequest("invalid_request", field + " is required"));
        if (value.isBlank() || value.length() > 8192 || value.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new ReauthException.InvalidRequest("invalid_request", field + " is malformed");
        }
        return value;
    }

    private static Instant expiresAt(Map<String, Object> body) {
        long millis = number(body, "expiresAt").orElseThrow(() ->
                new ReauthException.InvalidRequest("invalid_request", "expiresAt (epoch milliseconds) is required"));
        if (millis <= 0) {
            throw new ReauthException.InvalidRequest("invalid_request", "expiresAt must be epoch milliseconds");
        }
        return Instant.ofEpochMilli(millis);
    }

    private ApiResponse list() {
        StringBuilder accounts = new StringBuilder("[");
        for (AccountStatus status : service.listAccounts()) {
            if (accounts.length() > 1) {
                accounts.append(',');
            }
            Json.ObjectWriter item = Json.object()
                    .put("id", status.id())
                    .put("name", status.name())
                    .put("mode", status.mode().wire())
                    .put("requiresReauth", status.requiresReauth())
                    .put("tokenVersion", status.tokenVersion());
            status.expiresAt().ifPresent(at -> item.put("expiresAt", at.toString()));
            status.tokensUpdatedAt().ifPresent(at -> item.put("tokensUpdatedAt", at.toString()));
            status.identity().ifPresent(identity -> item.put("identity", identityJson(identity)));
            RefreshHealth health = status.health();
            health.lastRefreshAt().ifPresent(at -> item.put("lastRefreshAt", at.toString()));
            health.lastResult().ifPresent(result -> item.put("lastRefreshResult", result));
            item.put("refreshFailures", health.consecutiveFailures()).put("refreshCount", health.refreshCount());
            health.reauthReason().ifPresent(reason -> item.put("reauthReason", reason));
            health.reauthRequiredAt().ifPresent(at -> item.put("reauthRequiredAt", at.toString()));
            accounts.append(item.toJson());
        }
        return ApiResponse.json(200, "{\"accounts\":" + accounts.append(']') + "}");
    }

    private static Map<String, String> identityJson(ProviderIdentity identity) {
        Map<String, String> json = new LinkedHashMap<>();
        json.put("accountUuid", identity.accountUuid());
        identity.email().ifPresent(email -> json.put("email", email));
        identity.organizationUuid().ifPresent(org -> json.put("organizationUuid", org));
        identity.organizationName().ifPresent(org -> json.put("organizationName", org));
        return json;
    }

    private static Map<String, Object> jsonBody(ApiRequest request) {
        if (request.body() == null || request.body().isBlank()) {
            throw new ReauthException.InvalidRequest("invalid_request", "A JSON body is required");
        }
        try {
            return Json.parseObject(request.body());
        } catch (Json.NotAnObject e) {
            throw new ReauthException.InvalidRequest("invalid_request", "The body must be a JSON object");
        }
    }

    private static Optional<String> text(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value != null && !(value instanceof String)) {
            throw new ReauthException.InvalidRequest("invalid_request", field + " must be a string");
        }
        return Optional.ofNullable((String) value);
    }
}
