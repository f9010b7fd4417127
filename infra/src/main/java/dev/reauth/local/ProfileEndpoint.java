package dev.reauth.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The local provider's {@code GET /api/oauth/profile}, as Anthropic's answers it: for a live access token
 * (the bearer), the {@code account} and {@code organization} of the grant behind it; 401 for a token it
 * never issued, or one that expired. Faults (5xx, a slow answer) can be queued for the next calls.
 */
public final class ProfileEndpoint {

    /** What the next profile call meets instead of an answer. */
    public enum Fault {
        /** 500 with a JSON error. */
        SERVER_ERROR,
        /** The answer, only after {@link #slowDelay}: past a client's timeout. */
        SLOW
    }

    /** A call that reached the endpoint: when, and the User-Agent it sent ("" for none). */
    public record Call(Instant at, String userAgent) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RefreshGrants grants;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private volatile Duration slowDelay = Duration.ofSeconds(5);

    ProfileEndpoint(RefreshGrants grants) {
        this.grants = grants;
    }

    /** The next profile calls meet these faults, in order. */
    public void failNext(Fault... next) {
        synchronized (faults) {
            faults.addAll(List.of(next));
        }
    }

    /** How long a {@link Fault#SLOW} answer keeps the caller waiting. */
    public void slowDelay(Duration delay) {
        slowDelay = delay;
    }

    /** Every call that reached the endpoint, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String userAgent = exchange.getRequestHeaders().getFirst("User-Agent");
            calls.add(new Call(Instant.now(), userAgent == null ? "" : userAgent));
            Fault fault;
            synchronized (faults) {
                fault = faults.poll();
            }
            if (fault == Fault.SERVER_ERROR) {
                respond(exchange, 500, error("api_error", "Internal server error"));
                return;
            }
            if (fault == Fault.SLOW) {
                sleep(slowDelay);
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, error("invalid_request_error", "GET only"));
                return;
            }
            String authorization = Optional.ofNullable(
                            exchange.getRequestHeaders().getFirst("Authorization"))
                    .orElse("");
            Optional<LocalOAuthProvider.Login> holder = authorization.startsWith("Bearer ")
                    ? grants.holderOf(authorization.substring("Bearer ".length()))
                    : Optional.empty();
            if (holder.isEmpty()) {
                respond(exchange, 401, error("authentication_error", "Invalid bearer token"));
                return;
            }
            respond(exchange, 200, profile(holder.get()).toString());
        } catch (IOException callerGone) {
            // a slow answer finds the caller gone
        }
    }

    /** The answer's shape, as the official client reads it. */
    static ObjectNode profile(LocalOAuthProvider.Login login) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("account")
                .put("uuid", login.accountUuid())
                .put("email", login.email())
                .put("display_name", login.email().substring(0, login.email().indexOf('@')));
        body.putObject("organization")
                .put("uuid", login.organizationUuid())
                .put("name", login.organizationName())
                .put("organization_type", "claude_max")
                .put("rate_limit_tier", "default_claude_max_20x");
        return body;
    }

    private static String error(String type, String message) {
        ObjectNode body = JSON.createObjectNode().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        return body.toString();
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
