package dev.reauth.web;

import dev.reauth.domain.AccountName;
import dev.reauth.domain.CompletedAuthorization;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.StartedAuthorization;
import dev.reauth.http.ApiRequest;
import dev.reauth.http.ErrorResponses;
import dev.reauth.http.RequestEdge;
import dev.reauth.link.IssuedLink;
import dev.reauth.link.LinkService;
import dev.reauth.link.LinkStatus;
import dev.reauth.link.LinkToken;
import dev.reauth.link.LinkUnusable;
import dev.reauth.link.LinkView;
import dev.reauth.log.StructuredLog;
import dev.reauth.wire.Json;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The web function's routes over {@link LinkService}: operators issue and revoke links (IAM); a link's
 * holder gets its page, starts a login and completes it (public, the token is the capability). Each
 * route parses its input, makes one call and renders the result; the token is never logged or echoed.
 */
public final class WebApp {

    private static final StructuredLog LOG = StructuredLog.of(WebApp.class);

    private final LinkService links;

    public WebApp(LinkService links) {
        this.links = links;
    }

    /** Serves one request; a route that is not the web function's is a 404. */
    public WebResponse handle(ApiRequest request) {
        return RequestEdge.handle(
                request,
                WebRoute.of(request.routeKey()),
                WebRoute::routeKey,
                WebRoute::iamAuthorized,
                LOG,
                WebResponse::error,
                route -> serve(route, request));
    }

    private WebResponse serve(WebRoute route, ApiRequest request) {
        boolean page = route == WebRoute.LINK_PAGE;
        try {
            return switch (route) {
                case ISSUE_LINK -> issue(request);
                case REVOKE_LINK -> revoke(request);
                case LINK_PAGE -> page(request);
                case LINK_START -> start(request);
                case LINK_COMPLETE -> complete(request);
                case STYLESHEET -> new WebResponse(200, "text/css; charset=utf-8", WebAssets.STYLESHEET);
                case SCRIPT -> new WebResponse(200, "text/javascript; charset=utf-8", WebAssets.SCRIPT);
            };
        } catch (LinkUnusable unusable) {
            LOG.warn("request.refused", "linkStatus", unusable.status());
            int status = statusOf(unusable.status());
            return page
                    ? WebResponse.html(
                            status,
                            LinkPages.unusable(
                                    unusable.status(),
                                    Optional.ofNullable(unusable.accountName()),
                                    Optional.empty(),
                                    Instant.EPOCH))
                    : WebResponse.error(
                            status,
                            "link_" + unusable.status().name().toLowerCase(Locale.ROOT),
                            LinkPages.unusableSummary(unusable.status()));
        } catch (ReauthException failure) {
            int status = ErrorResponses.statusOf(failure);
            if (status >= 500) {
                LOG.error("request.failed", failure, "status", status, "error", failure.error());
            } else {
                LOG.warn("request.refused", "status", status, "error", failure.error());
            }
            String description = publicDescription(failure);
            return page
                    ? WebResponse.html(
                            status,
                            LinkPages.failure(
                                    status >= 500 ? "Something went wrong" : "This link cannot be used", description))
                    : WebResponse.error(status, failure.error(), description);
        } catch (RuntimeException bug) {
            LOG.error("request.unexpected_failure", bug);
            return page
                    ? WebResponse.html(
                            500,
                            LinkPages.failure(
                                    "Something went wrong", "An unexpected error occurred; try again in a minute."))
                    : WebResponse.error(
                            500,
                            "server_error",
                            "An unexpected error occurred; the request id in the logs identifies it");
        }
    }

    private WebResponse issue(ApiRequest request) {
        IssuedLink link = links.issue(
                new AccountName(request.path("name").orElse(null)), request.principal(), bindFirstLogin(request));
        return WebResponse.json(
                200,
                Json.object()
                        .put("account", link.accountName())
                        .put("accountId", link.accountId())
                        .put("url", link.url())
                        .put("expiresAt", link.expiresAt().toString())
                        .toJson());
    }

    private WebResponse revoke(ApiRequest request) {
        AccountName name = new AccountName(request.path("name").orElse(null));
        boolean revoked = links.revoke(name);
        return WebResponse.json(
                200,
                Json.object()
                        .put("account", name.value())
                        .put("revoked", revoked)
                        .toJson());
    }

    private WebResponse page(ApiRequest request) {
        LinkView view = links.view(token(request));
        if (view.status() == LinkStatus.ACTIVE) {
            return WebResponse.html(200, LinkPages.active(view));
        }
        return WebResponse.html(
                statusOf(view.status()),
                LinkPages.unusable(view.status(), view.accountName(), view.spentAt(), view.expiresAt()));
    }

    private WebResponse start(ApiRequest request) {
        StartedAuthorization started = links.start(token(request));
        return WebResponse.json(
                200,
                Json.object()
                        .put("account", started.accountName())
                        .put("authorizationUrl", started.authorizationUrl())
                        .put("expiresAt", started.expiresAt().toString())
                        .toJson());
    }

    private WebResponse complete(ApiRequest request) {
        String code = pastedCode(request);
        CompletedAuthorization done = links.complete(token(request), code);
        return WebResponse.json(
                200,
                Json.object()
                        .put("success", true)
                        .put("message", done.message())
                        .put(
                                "detail",
                                done.cacheFlushed()
                                        ? "Token cache has been cleared for running servers."
                                        : "The tokens are saved, but running servers could not be told; they pick the new tokens up on their next version check.")
                        .put("tokenVersion", done.tokenVersion())
                        .toJson());
    }

    /** {@code {"bindFirstLogin": true}}: the operator knowingly lets the first login bind an unbound account. */
    private static boolean bindFirstLogin(ApiRequest request) {
        Object bind = body(request).get("bindFirstLogin");
        if (bind != null && !(bind instanceof Boolean)) {
            throw new ReauthException.InvalidRequest("invalid_request", "bindFirstLogin must be true or false");
        }
        return Boolean.TRUE.equals(bind);
    }

    private static Optional<LinkToken> token(ApiRequest request) {
        return LinkToken.parse(request.path("token").orElse(null));
    }

    private static Map<String, Object> body(ApiRequest request) {
        try {
            return request.body() == null || request.body().isBlank() ? Map.of() : Json.parseObject(request.body());
        } catch (Json.NotAnObject e) {
            throw new ReauthException.InvalidRequest("invalid_request", "The body must be a JSON object");
        }
    }

    private static String pastedCode(ApiRequest request) {
        Map<String, Object> body = body(request);
        if (!(body.get("code") instanceof String code) || code.isBlank()) {
            throw new ReauthException.InvalidRequest(
                    "invalid_request", "Paste the code the provider showed (code#state)");
        }
        return code.strip();
    }

    /** What the link's holder is told: the flow's own description, except whom the account is bound to. */
    private static String publicDescription(ReauthException failure) {
        return failure instanceof ReauthException.AccountMismatch
                ? "A different provider account logged in than the one this account belongs to. Nothing was written."
                        + " Log in again with the right provider account."
                : failure.description();
    }

    private static int statusOf(LinkStatus status) {
        return switch (status) {
            case ACTIVE -> 200;
            case UNKNOWN -> 404;
            case USED, REVOKED, EXPIRED -> 410;
            case EXHAUSTED -> 429;
        };
    }
}
