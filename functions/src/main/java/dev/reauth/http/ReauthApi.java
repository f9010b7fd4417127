package dev.reauth.http;

import dev.reauth.domain.Account;
import dev.reauth.domain.AccountId;
import dev.reauth.domain.AccountName;
import dev.reauth.domain.AccountStatus;
import dev.reauth.domain.CallbackRequest;
import dev.reauth.domain.CompletedAuthorization;
import dev.reauth.domain.HealthRules;
import dev.reauth.domain.HealthVerdict;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.ReauthService;
import dev.reauth.domain.RefreshHealth;
import dev.reauth.domain.StartedAuthorization;
import dev.reauth.log.StructuredLog;
import dev.reauth.oauth.ProviderIdentity;
import dev.reauth.refresh.RefreshService;
import dev.reauth.refresh.TokenIntake;
import dev.reauth.wire.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The HTTP API over {@link ReauthService}: each route parses its input (names and ids into
 * {@link AccountName} and {@link AccountId}, once, at the edge), makes one domain call and renders
 * the result. Failures become RFC 6749-style errors through {@link ErrorResponses}.
 */
public final class ReauthApi {

    private static final StructuredLog LOG = StructuredLog.of(ReauthApi.class);
    private static final Pattern PROVIDER_ERROR = Pattern.compile("[a-z_]{1,64}");

    private final ReauthService service;
    private final TokenRoutes tokenRoutes;
    private final HealthRules healthRules;
    private final Clock clock;

    /** Judges health by the default settings (RefreshLead 60 min, every 5 minutes). */
    public ReauthApi(ReauthService service, RefreshService refresher, TokenIntake intake) {
        this(service, refresher, intake, HealthRules.DEFAULTS, Clock.systemUTC());
    }

    /** Judges health by {@code healthRules}, the stack's own settings, at {@code clock}'s time. */
    public ReauthApi(
            ReauthService service, RefreshService refresher, TokenIntake intake, HealthRules healthRules, Clock clock) {
        this.service = service;
        this.tokenRoutes = new TokenRoutes(refresher, intake);
        this.healthRules = healthRules;
        this.clock = clock;
    }

    /** Serves a request on one of {@code served}; any other route is a 404. */
    public ApiResponse handle(ApiRequest request, Set<Route> served) {
        return RequestEdge.handle(
                request,
                Route.of(request.routeKey()).filter(served::contains),
                Route::routeKey,
                Route::iamAuthorized,
                LOG,
                ErrorResponses::json,
                route -> serve(route, request));
    }

    private ApiResponse serve(Route route, ApiRequest request) {
        try {
            return switch (route) {
                case START_REAUTH -> startReauth(request);
                case ADD_ACCOUNT -> add(request);
                case PASTED_CALLBACK -> pastedCallback(request);
                case BROWSER_CALLBACK -> browserCallback(request);
                case RELOAD ->
                    reloaded(service.requestReload(
                            new AccountId(request.path("id").orElse(null))));
                case RELOAD_BY_NAME ->
                    reloaded(service.requestReload(
                            new AccountName(request.path("name").orElse(null))));
                case REFRESH -> tokenRoutes.refresh(request);
                case ADOPT_TOKENS -> tokenRoutes.adopt(request);
                case AGENT_HANDSHAKE -> tokenRoutes.agentServes(request);
                case IMPORT_ACCOUNT -> tokenRoutes.importAccount(request);
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
        AccountName name = new AccountName(request.path("name").orElse(null));
        boolean allowAccountChange = false;
        if (request.body() != null && !request.body().isBlank()) {
            Object allow = RequestBody.json(request).get("allowAccountChange");
            if (allow != null && !(allow instanceof Boolean)) {
                throw new ReauthException.InvalidRequest("invalid_request", "allowAccountChange must be true or false");
            }
            allowAccountChange = Boolean.TRUE.equals(allow);
        }
        return started(service.startReauth(name, request.principal(), allowAccountChange));
    }

    private ApiResponse add(ApiRequest request) {
        Map<String, Object> body = RequestBody.json(request);
        AccountName name =
                AccountName.forNewAccount(RequestBody.text(body, "name").orElse(null));
        return started(service.startAdd(name, RequestBody.mode(body), request.principal()));
    }

    private ApiResponse started(StartedAuthorization started) {
        return ApiResponse.json(
                200,
                Json.object()
                        .put("account", started.accountName())
                        .put("mode", started.mode().wire())
                        .put("authorizationUrl", started.authorizationUrl())
                        .put("expiresAt", started.expiresAt().toString())
                        .toJson());
    }

    private ApiResponse pastedCallback(ApiRequest request) {
        Map<String, Object> body = RequestBody.json(request);
        String code = RequestBody.text(body, "code")
                .orElseThrow(() -> new ReauthException.InvalidRequest(
                        "invalid_request", "code is required: {\"code\": \"<code>#<state>\"}"));
        CompletedAuthorization done = service.complete(
                CallbackRequest.of(code, RequestBody.text(body, "state").orElse(null)));
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
            String error =
                    PROVIDER_ERROR.matcher(providerError.get()).matches() ? providerError.get() : "unrecognized_error";
            LOG.warn("callback.provider_error", "providerError", error);
            return CallbackPage.failure(
                    400,
                    "Authorization was not granted",
                    "The provider answered " + error + ". Start the re-authentication again when ready.");
        }
        String code = request.query("code")
                .orElseThrow(() -> new ReauthException.InvalidRequest(
                        "invalid_request", "The callback has no authorization code"));
        CompletedAuthorization done =
                service.complete(CallbackRequest.of(code, request.query("state").orElse(null)));
        return CallbackPage.success(
                done.message(),
                done.cacheFlushed()
                        ? "Token cache has been cleared for running servers. You can close this window."
                        : "The tokens are saved, but running servers could not be notified; they pick the new tokens up on their next version check.");
    }

    /** Both reload routes answer alike: by id for the fleet, by name for operators. */
    private static ApiResponse reloaded(Account account) {
        return ApiResponse.json(
                200,
                Json.object()
                        .put("success", true)
                        .put("message", "Token reload triggered for account '" + account.name() + "'")
                        .toJson());
    }

    private ApiResponse list() {
        Instant now = clock.instant();
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
            health.refreshTokenExpiresAt().ifPresent(at -> item.put("refreshTokenExpiresAt", at.toString()));
            if (!AccountName.isWithinNewNameRule(status.name())) {
                // stored before the rule (or by a proxy): listed by reauth check-names, never renamed
                item.put("nameOutsideRule", true);
            }
            item.putRaw(
                    "health", HealthJson.verdict(HealthVerdict.judge(status, now, healthRules), health.recentAlerts()));
            accounts.append(item.toJson());
        }
        return ApiResponse.json(
                200,
                "{\"accounts\":" + accounts.append(']') + ",\"health\":" + HealthJson.rules(healthRules, now) + "}");
    }

    private static Map<String, String> identityJson(ProviderIdentity identity) {
        Map<String, String> json = new LinkedHashMap<>();
        json.put("accountUuid", identity.accountUuid());
        identity.email().ifPresent(email -> json.put("email", email));
        identity.organizationUuid().ifPresent(org -> json.put("organizationUuid", org));
        identity.organizationName().ifPresent(org -> json.put("organizationName", org));
        return json;
    }
}
