package dev.reauth.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.reauth.http.ApiRequest;
import dev.reauth.web.WebApp;
import dev.reauth.web.WebResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The web function: POST and DELETE /accounts/{name}/link (operators, IAM, on the main API), and a
 * link's page on the public web API: GET /r/{token}, POST /r/{token}/start, POST /r/{token}/complete
 * and the page's two asset files.
 */
public final class WebHandler implements RequestStreamHandler {

    /** API Gateway never sends more than this; anything larger is not an HTTP API event. */
    private static final int MAX_EVENT_BYTES = 10 * 1024 * 1024;

    private final WebApp app;

    /** Used by the Lambda runtime: builds the graph from the environment, once per instance. */
    public WebHandler() {
        this(Wiring.fromEnvironment().web());
    }

    public WebHandler(WebApp app) {
        this.app = app;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(handle(new String(input.readNBytes(MAX_EVENT_BYTES), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Serves one HTTP API v2 event (JSON), answering with the v2 response payload (JSON). */
    public String handle(String eventJson) {
        try {
            return app.handle(ApiRequest.fromEvent(eventJson)).toEventJson();
        } catch (ApiRequest.NotAnEvent e) {
            return WebResponse.error(400, "invalid_request", "The event is not an API Gateway HTTP API request")
                    .toEventJson();
        }
    }
}
