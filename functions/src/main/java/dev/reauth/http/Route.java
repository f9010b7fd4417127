package dev.reauth.http;

import java.util.Optional;

/** The HTTP API's routes, by API Gateway route key. */
public enum Route {
    START_REAUTH("POST /accounts/{name}/reauth"),
    ADD_ACCOUNT("POST /accounts"),
    BROWSER_CALLBACK("GET /oauth/callback"),
    PASTED_CALLBACK("POST /oauth/callback"),
    RELOAD("POST /accounts/{id}/reload"),
    /** Reload by name: its own path, since API Gateway cannot tell {name} from {id} in the same place. */
    RELOAD_BY_NAME("POST /accounts/by-name/{name}/reload"),
    REFRESH("POST /accounts/{id}/refresh"),
    ADOPT_TOKENS("POST /accounts/{id}/tokens"),
    /** A proxy's reauth-agent says it serves the account (a refused refresh is then held for it). */
    AGENT_HANDSHAKE("POST /accounts/{id}/agent"),
    IMPORT_ACCOUNT("POST /accounts/import"),
    LIST_ACCOUNTS("GET /accounts");

    private final String routeKey;

    Route(String routeKey) {
        this.routeKey = routeKey;
    }

    public String routeKey() {
        return routeKey;
    }

    /** Served behind the HTTP API's IAM authorizer: every route but the browser's redirect callback. */
    public boolean iamAuthorized() {
        return this != BROWSER_CALLBACK;
    }

    public static Optional<Route> of(String routeKey) {
        for (Route route : values()) {
            if (route.routeKey.equals(routeKey)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }
}
