package dev.reauth.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.reauth.http.ApiRequest;
import dev.reauth.http.ReauthApi;
import dev.reauth.http.Route;
import java.util.Set;

/** The startReauth function: POST /accounts/{name}/reauth and POST /accounts. */
public final class StartReauthHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    private static final Set<Route> ROUTES = Set.of(Route.START_REAUTH, Route.ADD_ACCOUNT);

    private final ReauthApi api;

    /** Used by the Lambda runtime: builds the graph from the environment, once per instance. */
    public StartReauthHandler() {
        this(Wiring.fromEnvironment());
    }

    public StartReauthHandler(ReauthApi api) {
        this.api = api;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return api.handle(ApiRequest.from(event), ROUTES).toLambda();
    }
}
