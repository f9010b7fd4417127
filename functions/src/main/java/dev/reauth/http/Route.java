package dev.reauth.http;

import java.util.Optional;

/** The HTTP API's routes, by API Gateway route key. */
public enum Route {
    START_REAUTH("POST /accounts/{name}/reauth"),
    ADD_ACCOUNT("POST /accounts"),
    BROWSER_CALLBACK("GET /oauth/callback"),
    PASTED_CALLBACK("POST /oauth/callback"),
    RELOAD("POST /accounts/{id}/reload"),
    REFRESH("POST /accounts/{id}/refresh"),
    LIST_ACCOUNTS("GET /accounts");

    private final String routeKey;

    Route(String routeKey) {
        this.routeKey = routeKey;
    }

    public String routeKey() {
        return routeKey;
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
