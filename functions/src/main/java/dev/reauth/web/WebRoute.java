package dev.reauth.web;

import java.util.Optional;

/** The web function's routes, by API Gateway route key: two for operators (IAM), the rest the link's public page. */
public enum WebRoute {
    ISSUE_LINK("POST /accounts/{name}/link", true),
    REVOKE_LINK("DELETE /accounts/{name}/link", true),
    LINK_PAGE("GET /r/{token}", false),
    LINK_START("POST /r/{token}/start", false),
    LINK_COMPLETE("POST /r/{token}/complete", false),
    STYLESHEET("GET /r/assets/page.css", false),
    SCRIPT("GET /r/assets/page.js", false);

    private final String routeKey;
    private final boolean iamAuthorized;

    WebRoute(String routeKey, boolean iamAuthorized) {
        this.routeKey = routeKey;
        this.iamAuthorized = iamAuthorized;
    }

    public String routeKey() {
        return routeKey;
    }

    /** Served on the main API with IAM; otherwise on the public web API. */
    public boolean iamAuthorized() {
        return iamAuthorized;
    }

    public static Optional<WebRoute> of(String routeKey) {
        for (WebRoute route : values()) {
            if (route.routeKey.equals(routeKey)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }
}
