package dev.reauth.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in reauth API on loopback for the CLI's own tests: it answers each route with the answers
 * queued for it (status and JSON body) and records every request it was sent.
 */
final class FakeApi implements AutoCloseable {

    record Request(String method, String path, String body) {}

    private final HttpServer server;
    private final Map<String, Deque<Map.Entry<Integer, String>>> answers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::serve);
        server.start();
    }

    /** The callback's answer when account work (ops@example.com) was re-authenticated: token version 5, caches flushed. */
    static final String REAUTHENTICATED =
            "{\"success\":true,\"message\":\"Account 'work' (ops@example.com) has been successfully"
                    + " re-authenticated\",\"accountId\":\"id-1\",\"tokenVersion\":5,\"cacheFlush\":\"published\"}";

    /** A login's start for account work: the provider's page at {@code authorizeUrl} with state S1. */
    static String loginStarted(String authorizeUrl) {
        return "{\"account\":\"work\",\"mode\":\"max\",\"authorizationUrl\":\"" + authorizeUrl
                + "?code=true&client_id=c&state=S1\",\"expiresAt\":\"2030-01-01T12:10:00Z\"}";
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Queues an answer for "METHOD /path"; the last one queued repeats. */
    FakeApi answer(String route, int status, String json) {
        answers.computeIfAbsent(route, r -> new ArrayDeque<>()).add(Map.entry(status, json));
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<String> bodiesSentTo(String path) {
        return requests.stream()
                .filter(r -> r.path().equals(path))
                .map(Request::body)
                .toList();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String route =
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            requests.add(new Request(
                    exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body));
            Deque<Map.Entry<Integer, String>> queue = answers.get(route);
            Map.Entry<Integer, String> answer = queue == null || queue.isEmpty()
                    ? Map.entry(404, "{\"error\":\"not_found\",\"error_description\":\"no such route\"}")
                    : queue.size() > 1 ? queue.poll() : queue.peek();
            byte[] bytes = answer.getValue().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.getKey(), bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
