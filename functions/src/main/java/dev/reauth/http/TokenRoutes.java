package dev.reauth.http;

import dev.reauth.domain.AccountId;
import dev.reauth.domain.AccountName;
import dev.reauth.domain.ReauthException;
import dev.reauth.oauth.AccountMode;
import dev.reauth.refresh.RefreshOutcome;
import dev.reauth.refresh.RefreshService;
import dev.reauth.refresh.TokenIntake;
import dev.reauth.wire.Json;
import dev.reauth.wire.TokenBundle;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The routes that move token material in: a refresh on demand, tokens a second refresher got
 * (adopted), and a proxy's existing accounts (imported). Bodies carry tokens: never logged or echoed.
 */
final class TokenRoutes {

    private final RefreshService refresher;
    private final TokenIntake intake;

    TokenRoutes(RefreshService refresher, TokenIntake intake) {
        this.refresher = refresher;
        this.intake = intake;
    }

    /**
     * A proxy's upstream call answered 401: refresh now, single flight with every other caller and the
     * schedule. {@code {"tokenVersion": N}} is the version the proxy holds; when the tokens already
     * moved past it, the answer is immediate.
     */
    ApiResponse refresh(ApiRequest request) {
        AccountId id = new AccountId(request.path("id").orElse(null));
        OptionalLong known = request.body() == null || request.body().isBlank()
                ? OptionalLong.empty()
                : RequestBody.number(RequestBody.json(request), "tokenVersion")
                        .map(OptionalLong::of)
                        .orElse(OptionalLong.empty());
        RefreshOutcome outcome = refresher.refresh(id, known, RefreshService.Trigger.ON_DEMAND);
        Json.ObjectWriter answer = Json.object().put("accountId", id.value());
        switch (outcome) {
            case RefreshOutcome.Refreshed r ->
                answer.put("status", "refreshed")
                        .put("tokenVersion", r.tokenVersion())
                        .put("expiresAt", r.expiresAt().toString());
            case RefreshOutcome.Current c -> answer.put("status", "current").put("tokenVersion", c.tokenVersion());
            case RefreshOutcome.InFlight i -> answer.put("status", "in_flight").put("tokenVersion", i.tokenVersion());
            case RefreshOutcome.Dead d ->
                throw new ReauthException.ReauthRequired(
                        "The account requires re-authentication (" + d.reason() + "): reauth --reauthenticate <name>");
            case RefreshOutcome.Failed f ->
                throw new ReauthException.ProviderFailed(
                        "The refresh failed (" + f.result() + "); reauth tries again at " + f.retryAt(), null);
            case RefreshOutcome.Throttled t ->
                throw new ReauthException.ProviderFailed(
                        "The provider is rate limiting refreshes; try again in "
                                + Math.max(1, t.retryAfter().toSeconds()) + " s",
                        null);
        }
        return ApiResponse.json(200, answer.toJson());
    }

    /** A proxy's agent saw the proxy refresh on its own: adopt those tokens (compare-and-set on the version). */
    ApiResponse adopt(ApiRequest request) {
        AccountId id = new AccountId(request.path("id").orElse(null));
        Map<String, Object> body = RequestBody.json(request);
        long base = RequestBody.number(body, "baseTokenVersion")
                .orElseThrow(
                        () -> new ReauthException.InvalidRequest("invalid_request", "baseTokenVersion is required"));
        long version = intake.adopt(
                id,
                base,
                RequestBody.token(body, "accessToken"),
                RequestBody.token(body, "refreshToken"),
                RequestBody.expiresAt(body),
                RequestBody.refreshTokenExpiresAt(body));
        return ApiResponse.json(
                200,
                Json.object()
                        .put("accountId", id.value())
                        .put("status", "adopted")
                        .put("tokenVersion", version)
                        .toJson());
    }

    /** A proxy's agent serves the account: the answer tells it the grace it gets and the stack's lead. */
    ApiResponse agentServes(ApiRequest request) {
        AccountId id = new AccountId(request.path("id").orElse(null));
        TokenIntake.AgentHandshake handshake = intake.agentServes(id);
        return ApiResponse.json(
                200,
                Json.object()
                        .put("accountId", id.value())
                        .put("status", "served")
                        .put("deadGrace", handshake.deadGrace().toString())
                        .put("refreshLead", handshake.refreshLead().toString())
                        .toJson());
    }

    /** An account a proxy already holds becomes a reauth account; an existing name changes nothing. */
    ApiResponse importAccount(ApiRequest request) {
        Map<String, Object> body = RequestBody.json(request);
        AccountName name =
                AccountName.forNewAccount(RequestBody.text(body, "name").orElse(null));
        AccountMode mode = RequestBody.mode(body);
        OptionalLong priority =
                RequestBody.number(body, "priority").map(OptionalLong::of).orElse(OptionalLong.empty());
        Optional<String> apiKey = RequestBody.text(body, "apiKey").filter(key -> !key.isBlank());
        TokenBundle tokens = new TokenBundle(
                RequestBody.token(body, "accessToken"),
                RequestBody.token(body, "refreshToken"),
                "Bearer",
                RequestBody.text(body, "scope"),
                apiKey);
        TokenIntake.Imported done = intake.importAccount(
                name, mode, priority, tokens, RequestBody.expiresAt(body), RequestBody.refreshTokenExpiresAt(body));
        Json.ObjectWriter answer = Json.object()
                .put("accountId", done.accountId())
                .put("name", name.value())
                .put("status", done.created() ? "created" : "exists")
                .put("tokenVersion", done.tokenVersion());
        if (done.created()) {
            // unbound: the provider could not say whose the tokens are, so the first login will bind it
            answer.put("bound", done.bound());
        }
        return ApiResponse.json(done.created() ? 201 : 200, answer.toJson());
    }
}
