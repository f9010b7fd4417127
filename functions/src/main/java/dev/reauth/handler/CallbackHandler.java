package dev.reauth.handler;

import dev.reauth.http.ApiHandler;
import dev.reauth.http.ReauthApi;
import dev.reauth.http.Route;
import java.util.Set;

/** The callback function: GET /oauth/callback (browser redirect) and POST /oauth/callback (pasted code). */
public final class CallbackHandler extends ApiHandler {

    private static final Set<Route> ROUTES = Set.of(Route.BROWSER_CALLBACK, Route.PASTED_CALLBACK);

    /** Used by the Lambda runtime: builds the graph from the environment, once per instance. */
    public CallbackHandler() {
        this(Wiring.fromEnvironment().api());
    }

    public CallbackHandler(ReauthApi api) {
        super(api, ROUTES);
    }
}
