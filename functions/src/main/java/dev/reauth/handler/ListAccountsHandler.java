package dev.reauth.handler;

import dev.reauth.http.ApiHandler;
import dev.reauth.http.ReauthApi;
import dev.reauth.http.Route;
import java.util.Set;

/** The listAccounts function: GET /accounts, every account's token status and no token material. */
public final class ListAccountsHandler extends ApiHandler {

    private static final Set<Route> ROUTES = Set.of(Route.LIST_ACCOUNTS);

    /** Used by the Lambda runtime: builds the graph from the environment, once per instance. */
    public ListAccountsHandler() {
        this(Wiring.fromEnvironment().api());
    }

    public ListAccountsHandler(ReauthApi api) {
        super(api, ROUTES);
    }
}
