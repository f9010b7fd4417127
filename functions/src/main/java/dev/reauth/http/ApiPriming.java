package dev.reauth.http;

import dev.reauth.domain.CallbackRequest;
import dev.reauth.domain.ReauthException;
import dev.reauth.log.StructuredLog;
import dev.reauth.wire.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart priming of the HTTP edge: requests that end before any port is called (a route this
 * function does not serve, a body over the limit, an event that is not one) run the event parsing,
 * routing, error mapping and response writing once before the snapshot, and a sample success
 * response and callback page are built and serialised. No randomness is drawn: a snapshot must not
 * carry it.
 */
final class ApiPriming implements Resource {

    private static final StructuredLog LOG = StructuredLog.of(ApiPriming.class);

    private final ApiHandler handler;
    private final Optional<Route> served;

    /** @param served a route the handler serves: its priming request is refused for size before it is served */
    ApiPriming(ApiHandler handler, Optional<Route> served) {
        this.handler = handler;
        this.served = served;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        LOG.info("snapstart.primed", "component", "http", "statuses", prime().toString());
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {}

    /** Runs the requests through the handler; returns the statuses they got. */
    List<Integer> prime() {
        List<Integer> statuses = new ArrayList<>();
        statuses.add(
                statusOf(handler.handle(event("POST /snapstart-priming", "{\"name\":\"priming\",\"mode\":\"max\"}"))));
        served.ifPresent(route -> statuses.add(statusOf(
                handler.handle(event(route.routeKey(), "x".repeat(RequestEdge.MAX_BODY_BYTES + 1))))));
        statuses.add(statusOf(handler.handle("[\"not an event\"]")));

        ApiResponse.json(
                        200,
                        Json.object()
                                .put("success", true)
                                .put("accountId", "snapstart-priming")
                                .put("tokenVersion", 1L)
                                .put("identity", Map.of("accountUuid", "snapstart-priming"))
                                .toJson())
                .toEventJson();
        CallbackPage.success("Account 'snapstart-priming' has been successfully re-authenticated", "Priming.")
                .toEventJson();
        ErrorResponses.json(new ReauthException.SessionExpired("priming")).toEventJson();
        ErrorResponses.json(new ReauthException.DependencyFailed("priming", null))
                .toEventJson();
        // the state hash and the pasted-code parser: SHA-256's provider is loaded once, here
        CallbackRequest.of("snapstart-priming-code#" + "p".repeat(43), null)
                .state()
                .hash();
        return statuses;
    }

    private static String event(String routeKey, String body) {
        return Json.object()
                .put("version", "2.0")
                .put("routeKey", routeKey)
                .put("rawPath", "/snapstart-priming")
                .put("headers", Map.of("content-type", "application/json", "user-agent", "snapstart-priming"))
                .putRaw(
                        "requestContext",
                        Json.object()
                                .put("requestId", "snapstart-priming")
                                .put("http", Map.of("method", "POST", "path", "/snapstart-priming"))
                                .putRaw(
                                        "authorizer",
                                        "{\"iam\":{\"userArn\":\"arn:aws:iam::000000000000:user/snapstart-priming\"}}")
                                .toJson())
                .put("isBase64Encoded", false)
                .put("body", body)
                .toJson();
    }

    private static int statusOf(String responseJson) {
        return Json.parseObjectOrEmpty(responseJson)
                .map(r -> r.get("statusCode"))
                .map(s -> ((Long) s).intValue())
                .orElse(-1);
    }
}
