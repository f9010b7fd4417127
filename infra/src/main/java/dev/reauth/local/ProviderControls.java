package dev.reauth.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.reauth.wire.Schema;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundleJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Two things the local provider can do to the refresher, on loopback HTTP, so dead-token detection
 * and failure alerts can be watched on one machine: {@code POST /revoke?account=NAME} forgets the
 * account's current refresh token (as a provider does when its owner signs out everywhere), so its
 * next refresh answers {@code invalid_grant}; {@code POST /fail?count=N} makes the next N refresh
 * requests meet a provider 500. No token is printed or answered. And one thing to the refresher
 * itself: {@code POST /schedule?running=false} stops the refresh schedule (as disabling
 * RefreshFunction's EventBridge rule would), {@code running=true} starts it again.
 */
final class ProviderControls implements AutoCloseable {

    private static final int MOST_FAILURES = 10;

    private final LocalDeployment deployment;
    private final BiConsumer<String, String> say;
    private final HttpServer server;
    private volatile Consumer<Boolean> scheduleSwitch = running -> {};

    private ProviderControls(LocalDeployment deployment, BiConsumer<String, String> say) throws IOException {
        this.deployment = deployment;
        this.say = say;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/revoke", exchange -> answer(exchange, this::revoke));
        server.createContext("/fail", exchange -> answer(exchange, this::fail));
        server.createContext("/schedule", exchange -> answer(exchange, this::schedule));
        server.start();
    }

    /** Serves the controls on a free loopback port; {@code say} gets a line for each one used (kind, text). */
    static ProviderControls start(LocalDeployment deployment, BiConsumer<String, String> say) {
        try {
            return new ProviderControls(deployment, say);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** What {@code /schedule} switches: the refresh schedule, once it runs. */
    void scheduleSwitch(Consumer<Boolean> running) {
        scheduleSwitch = running;
    }

    private record Answer(int status, String text) {}

    private Answer schedule(Map<String, String> query) {
        String running = query.getOrDefault("running", "");
        if (!running.equals("true") && !running.equals("false")) {
            return new Answer(400, "running must be true or false");
        }
        scheduleSwitch.accept(Boolean.parseBoolean(running));
        say.accept(
                "schedule",
                running.equals("true")
                        ? "started again"
                        : "stopped (as when RefreshFunction's schedule is disabled): nothing is refreshed");
        return new Answer(
                200, running.equals("true") ? "the refresh schedule runs" : "the refresh schedule is stopped");
    }

    private Answer revoke(Map<String, String> query) {
        String name = query.getOrDefault("account", "");
        Optional<String> id = idOf(name);
        if (id.isEmpty()) {
            return new Answer(404, "no account '" + name + "'");
        }
        Map<String, AttributeValue> item = DemoAccount.item(deployment.aws(), id.get());
        if (item == null || !item.containsKey(Accounts.TOKEN_CIPHERTEXT)) {
            return new Answer(409, "'" + name + "' holds no tokens to revoke");
        }
        byte[] plaintext = deployment
                .aws()
                .kms()
                .decrypt(d -> d.ciphertextBlob(
                                item.get(Accounts.TOKEN_CIPHERTEXT).b())
                        .encryptionContext(Schema.encryptionContext(id.get())))
                .plaintext()
                .asByteArray();
        deployment
                .provider()
                .refreshGrants()
                .revoke(TokenBundleJson.read(plaintext).refreshToken());
        say.accept(
                "provider",
                name
                        + ": refresh token revoked (as when its owner signs out everywhere); its next refresh finds it dead");
        return new Answer(200, "revoked " + name + "'s refresh token at the local provider");
    }

    private Answer fail(Map<String, String> query) {
        int count;
        try {
            count = Integer.parseInt(query.getOrDefault("count", "1"));
        } catch (NumberFormatException e) {
            count = 0;
        }
        if (count < 1 || count > MOST_FAILURES) {
            return new Answer(400, "count must be from 1 to " + MOST_FAILURES);
        }
        RefreshGrants.Fault[] faults = new RefreshGrants.Fault[count];
        Arrays.fill(faults, RefreshGrants.Fault.SERVER_ERROR);
        deployment.provider().refreshGrants().failNext(faults);
        say.accept("provider", "the next " + count + " refresh request(s) meet a provider 500");
        return new Answer(200, "the next " + count + " refresh request(s) will fail");
    }

    private Optional<String> idOf(String name) {
        List<Map<String, AttributeValue>> found = deployment
                .aws()
                .dynamo()
                .query(q -> q.tableName(deployment.aws().accountsTable())
                        .indexName(deployment.config().accountsNameIndex())
                        .keyConditionExpression("#n = :n")
                        .expressionAttributeNames(Map.of("#n", Accounts.NAME))
                        .expressionAttributeValues(Map.of(":n", AttributeValue.fromS(name))))
                .items();
        return found.stream().map(item -> item.get(Accounts.ID).s()).findFirst();
    }

    private interface Control {
        Answer apply(Map<String, String> query);
    }

    private static void answer(HttpExchange exchange, Control control) throws IOException {
        Answer answer;
        try {
            answer = exchange.getRequestMethod().equals("POST")
                    ? control.apply(query(exchange.getRequestURI()))
                    : new Answer(405, "use POST");
        } catch (RuntimeException e) {
            answer = new Answer(500, "failed (" + e.getClass().getSimpleName() + ")");
        }
        byte[] body = (answer.text() + "\n").getBytes(StandardCharsets.UTF_8);
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(
                        URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return query;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
