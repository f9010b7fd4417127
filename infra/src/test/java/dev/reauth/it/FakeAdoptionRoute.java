package dev.reauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for reauth's {@code POST /accounts/{id}/tokens}, which does not exist yet: records each
 * body and answers 409, as reauth would when its own version moved on.
 */
final class FakeAdoptionRoute implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, JsonNode> bodies = new ConcurrentHashMap<>();

    private FakeAdoptionRoute(HttpServer server) {
        this.server = server;
    }

    static FakeAdoptionRoute start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        FakeAdoptionRoute route = new FakeAdoptionRoute(server);
        server.createContext("/accounts/", exchange -> {
            String[] path = exchange.getRequestURI().getPath().split("/");
            if (exchange.getRequestMethod().equals("POST") && path.length == 4 && path[3].equals("tokens")) {
                route.bodies.put(path[2], ReauthSystem.JSON.readTree(exchange.getRequestBody().readAllBytes()));
            }
            byte[] answer = "{\"error\":\"conflict\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(409, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return route;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    JsonNode awaitRequest(String accountId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!bodies.containsKey(accountId) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        JsonNode body = bodies.get(accountId);
        if (body == null) {
            throw new AssertionError("no adoption request for " + accountId + " within " + wait);
        }
        return body;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
