package dev.reauth.handler;

import dev.reauth.http.ApiHandler;
import dev.reauth.http.ReauthApi;
import dev.reauth.http.Route;
import java.util.Set;

/** The startReauth function: POST /accounts/{name}/reauth and POST /accounts. */
public final class StartReauthHandler extends ApiHandler {

    private static final Set<Route> ROUTES = Set.of(Route.START_REAUTH, Route.ADD_ACCOUNT);

    /** Used by the Lambda runtime: builds the graph from the environment, once per instance. */
    public StartReauthHandler() {
        this(Wiring.fromEnvironment().api());
    }

    public StartReauthHandler(ReauthApi api) {
        super(api, ROUTES);
    }
}
