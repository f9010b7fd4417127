package dev.reauth.handler;

import dev.reauth.http.ApiHandler;
import dev.reauth.http.ReauthApi;
import dev.reauth.http.Route;
import java.util.Set;

/** The reload function: POST /accounts/{id}/reload (the fleet) and POST /accounts/by-name/{name}/reload (operators). */
public final class ReloadHandler extends ApiHandler {

    private static final Set<Route> ROUTES = Set.of(Route.RELOAD, Route.RELOAD_BY_NAME);

    /** Used by the Lambda runtime: builds the graph from the environment, once per instance. */
    public ReloadHandler() {
        this(Wiring.fromEnvironment().api());
    }

    public ReloadHandler(ReauthApi api) {
        super(api, ROUTES);
    }
}
