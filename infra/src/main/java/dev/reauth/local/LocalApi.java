package dev.reauth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.reauth.handler.WebHandler;
import dev.reauth.handler.Wiring;
import dev.reauth.http.ApiHandler;
import dev.reauth.http.ReauthApi;
import dev.reauth.recorder.AwsCallRecorder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The HTTP API on localhost, as API Gateway serves it: each route of template.yaml goes to the
 * handler the template names, with an HTTP API v2 event built the way API Gateway builds it. IAM
 * routes get a fixed local principal (the local API checks no signatures); nothing listens beyond loopback.
 * Every route is served, conditional ones included, on one port: on AWS the public browser callback
 * exists only with {@code OAuthRedirectUri=this-api} (on an API of its own), and the re-auth link page
 * lives on the web API; locally they cost nothing, and one address serves them all.
 */
public final class LocalApi implements AutoCloseable {

    /** The principal IAM-authorized routes carry locally. */
    public static final String LOCAL_PRINCIPAL = "arn:aws:iam::000000000000:user/local-operator";

    private static final DateTimeFormatter API_GATEWAY_TIME = DateTimeFormatter.ofPattern(
                    "dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A route and the handler serving it: an HTTP API v2 event (JSON) in, the v2 response payload out. */
    private record Bound(SamTemplate.HttpRoute route, UnaryOperator<String> handler) {}

    private final List<Bound> routes = new ArrayList<>();
    private final HttpServer server;

    private LocalApi(Function<URI, Wiring.Graph> graphAt, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        // the graph learns this server's address first: the link routes answer links to it
        Wiring.Graph graph = graphAt.apply(baseUrl());
        Map<String, Optional<UnaryOperator<String>>> handlers = new HashMap<>();
        for (SamTemplate.HttpRoute route : SamTemplate.project().httpRoutes()) {
            handlers.computeIfAbsent(route.handlerClass(), name -> instantiate(name, graph))
                    .ifPresent(handler -> routes.add(new Bound(route, handler)));
        }
        server.setExecutor(Executors.newFixedThreadPool(
                8, Thread.ofPlatform().daemon().name("local-api-", 0).factory()));
        server.createContext("/", this::serve);
        server.start();
    }

    /**
     * Serves every route on 127.0.0.1:port (0 picks a free port), on the graph {@code graphAt} builds for
     * the server's own base URL (the functions' WEB_BASE_URL).
     */
    public static LocalApi start(Function<URI, Wiring.Graph> graphAt, int port) {
        try {
            return new LocalApi(graphAt, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the local API on port " + port, e);
        }
    }

    /** Serves the routes of the handlers that run on {@code api} alone; the link routes answer 404. */
    public static LocalApi start(ReauthApi api, int port) {
        return start(base -> new Wiring.Graph(api, null, null, null), port);
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The handler a template route names, on the graph; empty when the graph lacks what it runs on. */
    private static Optional<UnaryOperator<String>> instantiate(String className, Wiring.Graph graph) {
        try {
            Class<?> type = Class.forName(className);
            if (type == WebHandler.class) {
                return Optional.ofNullable(graph.web()).map(web -> new WebHandler(web)::handle);
            }
            ApiHandler handler =
                    (ApiHandler) type.getConstructor(ReauthApi.class).newInstance(graph.api());
            return Optional.of(handler::handle);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("template.yaml names handler " + className + ", which cannot be built", e);
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            String path = exchange.getRequestURI().getRawPath();
            for (Bound bound : routes) {
                Optional<Map<String, String>> params = match(bound.route().path(), path);
                if (bound.route().method().equals(method) && params.isPresent()) {
                    ObjectNode event = event(exchange, bound.route(), params.get());
                    // the route's function is the principal of the AWS calls it makes (recorded in the ITs)
                    String answer = AwsCallRecorder.as(
                            bound.route().function(), () -> bound.handler().apply(event.toString()));
                    write(exchange, JSON.readTree(answer));
                    return;
                }
            }
            byte[] body = "{\"message\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /** Matches {@code /accounts/{name}/reauth} against a raw path, giving the decoded path parameters. */
    static Optional<Map<String, String>> match(String template, String rawPath) {
        String[] want = template.split("/");
        String[] got = rawPath.split("/");
        if (want.length != got.length) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < want.length; i++) {
            if (want[i].startsWith("{") && want[i].endsWith("}")) {
                if (got[i].isEmpty()) {
                    return Optional.empty();
                }
                params.put(
                        want[i].substring(1, want[i].length() - 1), URLDecoder.decode(got[i], StandardCharsets.UTF_8));
            } else if (!want[i].equals(got[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }

    /** The HTTP API payload format 2.0 event API Gateway would send for this request. */
    private static ObjectNode event(
            HttpExchange exchange, SamTemplate.HttpRoute route, Map<String, String> pathParameters) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders()
                .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        String rawQuery =
                Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=", 2);
                // API Gateway joins repeated parameters with commas
                query.merge(
                        URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "",
                        (a, b) -> a + "," + b);
            }
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        String contentType = headers.getOrDefault("content-type", "");
        boolean text = contentType.isEmpty()
                || contentType.startsWith("text/")
                || contentType.contains("json")
                || contentType.contains("x-www-form-urlencoded");
        Instant now = Instant.now();

        ObjectNode event = JSON.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", route.routeKey());
        event.put("rawPath", exchange.getRequestURI().getRawPath());
        event.put("rawQueryString", rawQuery);
        event.set("headers", JSON.valueToTree(headers));
        if (!query.isEmpty()) {
            event.set("queryStringParameters", JSON.valueToTree(query));
        }
        if (!pathParameters.isEmpty()) {
            event.set("pathParameters", JSON.valueToTree(pathParameters));
        }
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "000000000000");
        context.put("apiId", "local");
        context.put("domainName", headers.getOrDefault("host", "127.0.0.1"));
        context.put("domainPrefix", "local");
        ObjectNode http = context.putObject("http");
        http.put("method", route.method());
        http.put("path", exchange.getRequestURI().getRawPath());
        http.put("protocol", exchange.getProtocol());
        http.put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        context.put("requestId", UUID.randomUUID().toString());
        context.put("routeKey", route.routeKey());
        context.put("stage", "$default");
        context.put("time", API_GATEWAY_TIME.format(now));
        context.put("timeEpoch", now.toEpochMilli());
        if (route.iamAuthorized()) {
            ObjectNode iam = context.putObject("authorizer").putObject("iam");
            iam.put("accountId", "000000000000");
            iam.put("callerId", "local-operator");
            iam.put("userArn", LOCAL_PRINCIPAL);
        }
        if (body.length > 0) {
            event.put(
                    "body",
                    text
                            ? new String(body, StandardCharsets.UTF_8)
                            : Base64.getEncoder().encodeToString(body));
        }
        event.put("isBase64Encoded", body.length > 0 && !text);
        return event;
    }

    private static void write(HttpExchange exchange, JsonNode response) throws IOException {
        response.path("headers")
                .fields()
                .forEachRemaining(h -> exchange.getResponseHeaders()
                        .set(h.getKey(), h.getValue().asText()));
        String body = response.path("body").asText("");
        byte[] bytes = response.path("isBase64Encoded").asBoolean()
                ? Base64.getDecoder().decode(body)
                : body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(response.path("statusCode").asInt(500), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
