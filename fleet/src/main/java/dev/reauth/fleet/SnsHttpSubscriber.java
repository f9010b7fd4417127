package dev.reauth.fleet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.reauth.wire.TokenEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;

/**
 * An embeddable SNS HTTP(S) endpoint on the JDK's HttpServer: on start it serves {@link SnsEndpoint}
 * and subscribes its public URL to the topic with a filter policy on {@code event_type}; on close it
 * unsubscribes and stops. (Put TLS in front of it, as SNS delivers to https endpoints in production.)
 */
public final class SnsHttpSubscriber implements AutoCloseable {

    /** The filter policy: token events only. */
    static final String FILTER_POLICY = "{\"" + TokenEvent.ATTRIBUTE_EVENT_TYPE + "\":[\""
            + TokenEvent.TOKENS_ROTATED + "\",\"" + TokenEvent.RELOAD_REQUESTED + "\"]}";

    private final HttpServer server;
    private final SnsClient sns;
    private final String topicArn;
    private final URI publicUrl;
    private volatile String subscriptionArn;

    private SnsHttpSubscriber(HttpServer server, SnsClient sns, String topicArn, URI publicUrl) {
        this.server = server;
        this.sns = sns;
        this.topicArn = topicArn;
        this.publicUrl = publicUrl;
    }

    /**
     * Serves {@code endpoint} on {@code bind} at path {@code /sns}, then subscribes {@code publicUrl}
     * (where SNS reaches that path; null: the bound address) to the topic.
     */
    public static SnsHttpSubscriber start(InetSocketAddress bind, URI publicUrl, SnsEndpoint endpoint, SnsClient sns, String topicArn) {
        try {
            HttpServer server = HttpServer.create(bind, 0);
            server.setExecutor(Executors.newFixedThreadPool(2, Thread.ofPlatform().daemon().name("sns-endpoint-", 0).factory()));
            server.createContext("/sns", exchange -> serve(exchange, endpoint));
            server.start();
            URI url = publicUrl != null ? publicUrl
                    : URI.create("http://" + bind.getHostString() + ":" + server.getAddress().getPort() + "/sns");
            SnsHttpSubscriber subscriber = new SnsHttpSubscriber(server, sns, topicArn, url);
            subscriber.subscriptionArn = sns.subscribe(s -> s.topicArn(topicArn).protocol(url.getScheme()).endpoint(url.toString())
                    .returnSubscriptionArn(true)
                    .attributes(Map.of("FilterPolicy", FILTER_POLICY, "FilterPolicyScope", "MessageAttributes"))).subscriptionArn();
            return subscriber;
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve the SNS endpoint on " + bind, e);
        }
    }

    private static void serve(HttpExchange exchange, SnsEndpoint endpoint) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.isEmpty() ? "" : v.getFirst()));
            String body = new String(exchange.getRequestBody().readNBytes(256 * 1024), StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(endpoint.handle(headers, body), -1);
        }
    }

    public URI publicUrl() {
        return publicUrl;
    }

    /** The subscription, once SNS knows it by ARN (after confirmation). */
    public Optional<String> subscriptionArn() {
        return Optional.ofNullable(subscriptionArn).filter(arn -> arn.startsWith("arn:"));
    }

    @Override
    public void close() {
        try {
            String arn = subscriptionArn().orElseGet(() -> sns.listSubscriptionsByTopic(l -> l.topicArn(topicArn)).subscriptions().stream()
                    .filter(s -> publicUrl.toString().equals(s.endpoint())).map(Subscription::subscriptionArn)
                    .filter(a -> a.startsWith("arn:")).findFirst().orElse(null));
            if (arn != null) {
                sns.unsubscribe(u -> u.subscriptionArn(arn));
            }
        } finally {
            server.stop(0);
        }
    }
}
