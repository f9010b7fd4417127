package dev.reauth.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.crac.Core;
import org.crac.Resource;

/**
 * The Lambda entry point of an HTTP API function: raw event bytes in, response bytes out. A stream
 * handler, so the runtime does no reflective data binding of the event (a large part of a cold start).
 * Before a SnapStart snapshot it primes its own request path ({@link #snapStartHook()}).
 */
public abstract class ApiHandler implements RequestStreamHandler {

    /** API Gateway never sends more than this; anything larger is not an HTTP API event. */
    private static final int MAX_EVENT_BYTES = 10 * 1024 * 1024;

    private final ReauthApi api;
    private final Set<Route> routes;
    private final ApiPriming priming;

    protected ApiHandler(ReauthApi api, Set<Route> routes) {
        this.api = api;
        this.routes = Set.copyOf(routes);
        this.priming = new ApiPriming(this, this.routes.stream().findFirst());
        // a no-op on a JVM without checkpoint support; the context holds it weakly, this handler strongly
        Core.getGlobalContext().register(priming);
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(handle(new String(input.readNBytes(MAX_EVENT_BYTES), StandardCharsets.UTF_8), context)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The CRaC resource SnapStart calls before the snapshot: it warms this function's request path. */
    public final Resource snapStartHook() {
        return priming;
    }

    /** Serves one event; a function that also takes events other than HTTP API requests overrides this. */
    protected String handle(String eventJson, Context context) {
        return handle(eventJson);
    }

    /** Serves one HTTP API v2 event (JSON), answering with the v2 response payload (JSON). */
    public final String handle(String eventJson) {
        ApiResponse response;
        try {
            response = api.handle(ApiRequest.fromEvent(eventJson), routes);
        } catch (ApiRequest.NotAnEvent e) {
            response = ErrorResponses.json(400, "invalid_request", "The event is not an API Gateway HTTP API request");
        }
        return response.toEventJson();
    }
}
