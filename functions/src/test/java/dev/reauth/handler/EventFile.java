package dev.reauth.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import dev.reauth.http.ApiRequest;
import dev.reauth.wire.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.TestInfo;

/**
 * The events/ file a test's {@code @Event} names, sent to a handler as the Lambda runtime sends it:
 * its bytes, unchanged, to the stream handler; the answer read back as the v2 response payload.
 */
record EventFile(String name, byte[] bytes) {

    /** The v2 response payload a handler answered. */
    record Response(int status, Map<String, String> headers, String body, boolean base64) {

        Map<String, Object> json() {
            assertThat(headers).containsEntry("Content-Type", "application/json");
            return Json.parseObjectOrEmpty(body).orElseThrow(() -> new AssertionError("not a JSON object: " + body));
        }
    }

    /** The file the running test's {@code @Event} annotation names, from the test classpath. */
    static EventFile of(TestInfo test) {
        String name =
                test.getTestMethod().orElseThrow().getAnnotation(Event.class).value();
        try (InputStream in = EventFile.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name + " on the test classpath").isNotNull();
            return new EventFile(name, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The same event with a change (a larger body, another route), for the edges a file does not cover. */
    EventFile with(UnaryOperator<String> change) {
        return new EventFile(name, change.apply(text()).getBytes(StandardCharsets.UTF_8));
    }

    /** What the handler reads of the file is what the official event type reads of it. */
    EventFile readsAs(APIGatewayV2HTTPEvent official) {
        ApiRequest ours;
        try {
            ours = ApiRequest.fromEvent(text());
        } catch (ApiRequest.NotAnEvent e) {
            throw new AssertionError(name + " is not an event", e);
        }
        assertThat(ours.routeKey()).isEqualTo(official.getRouteKey());
        assertThat(ours.pathParameters()).isEqualTo(orEmpty(official.getPathParameters()));
        assertThat(ours.queryParameters()).isEqualTo(orEmpty(official.getQueryStringParameters()));
        assertThat(ours.body()).isEqualTo(official.getBody());
        assertThat(ours.requestId()).isEqualTo(official.getRequestContext().getRequestId());
        assertThat(ours.principal())
                .isEqualTo(Optional.ofNullable(official.getRequestContext().getAuthorizer())
                        .map(a -> a.getIam().getUserArn()));
        official.getHeaders().forEach((k, v) -> assertThat(ours.headers()).containsEntry(k.toLowerCase(), v));
        return this;
    }

    /** Invokes the handler with the bytes, as the runtime does (no Context outside Lambda). */
    Response sendTo(RequestStreamHandler handler) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(bytes), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> payload = Json.parseObjectOrEmpty(out.toString(StandardCharsets.UTF_8))
                .orElseThrow(() -> new AssertionError("the handler's answer is not JSON: " + out));
        return new Response(
                ((Long) payload.get("statusCode")).intValue(),
                Json.strings(payload, "headers"),
                (String) payload.get("body"),
                Boolean.TRUE.equals(payload.get("isBase64Encoded")));
    }

    /** The raw answer of a handler that answers something other than an HTTP response (the schedule). */
    Map<String, Object> sendToForJson(RequestStreamHandler handler) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(bytes), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Json.parseObjectOrEmpty(out.toString(StandardCharsets.UTF_8)).orElseThrow();
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }
}
