package dev.reauth.fleet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.reauth.wire.TokenEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.Subscription;

/**
 * An embeddable SNS HTTP(S) endpoint on the JDK's HttpServer: on start it serves {@link SnsEndpoint}
 * and subscribes its public URL to the topic with a filter policy on {@code event_type}; on close it
 * unsubscribes and stops. A request must be read within a deadline and be at most
 * {@link #MAX_BODY_BYTES}, so slow or huge requests cannot hold its two threads. (Put TLS in front of
 * it, as SNS delivers to https endpoints in production.)
 */
public final class SnsHttpSubscriber implements AutoCloseable {

    /** The filter policy: the events a token source acts on. */
    static final String FILTER_POLICY = "{\"" + TokenEvent.ATTRIBUTE_EVENT_TYPE + "\":[\"" + TokenEvent.TOKENS_ROTATED
            + "\",\"" + TokenEvent.RELOAD_REQUESTED + "\",\"" + TokenEvent.REAUTH_REQUIRED + "\"]}";

    /** How long a client may take to send its request (line, headers, body). */
    public static final Duration DEFAULT_REQUEST_READ_TIMEOUT = Duration.ofSeconds(10);
    /** SNS messages are at most 256 KiB; the envelope and JSON escaping add to that. */
    static final int MAX_BODY_BYTES = 512 * 1024;

    private static final int THREADS = 2;

    private final HttpServer server;
    private final RequestReadDeadline executor;
    private final SnsClient sns;
    private final String topicArn;
    private final URI publicUrl;
    private volatile String subscriptionArn;

    private SnsHttpSubscriber(
            HttpServer server, RequestReadDeadline executor, SnsClient sns, String topicArn, URI publicUrl) {
        this.server = server;
        this.executor = executor;
        this.sns = sns;
        this.topicArn = topicArn;
        this.publicUrl = publicUrl;
    }

    /**
     * Serves {@code endpoint} on {@code bind} at path {@code /sns}, then subscribes {@code publicUrl}
     * (where SNS reaches that path; null: the bound address) to the topic. Requests must be read within
     * {@link #DEFAULT_REQUEST_READ_TIMEOUT}.
     *
     * @throws FleetException.DependencyFailed when SNS does not take the subscription (nothing is left serving)
     */
    public static SnsHttpSubscriber start(
            InetSocketAddress bind, URI publicUrl, SnsEndpoint endpoint, SnsClient sns, String topicArn) {
        return start(bind, publicUrl, endpoint, sns, topicArn, DEFAULT_REQUEST_READ_TIMEOUT);
    }

    /** As {@link #start(InetSocketAddress, URI, SnsEndpoint, SnsClient, String)}, with the time a client has to send a request. */
    public static SnsHttpSubscriber start(
            InetSocketAddress bind,
            URI publicUrl,
            SnsEndpoint endpoint,
            SnsClient sns,
            String topicArn,
            Duration requestReadTimeout) {
        HttpServer server;
        RequestReadDeadline executor = new RequestReadDeadline(THREADS, requestReadTimeout);
        try {
            server = HttpServer.create(bind, 0);
        } catch (IOException e) {
            executor.close();
            throw new IllegalStateException("cannot serve the SNS endpoint on " + bind, e);
        }
        server.setExecutor(executor);
        server.createContext("/sns", exchange -> serve(exchange, endpoint));
        server.start();
        URI url = publicUrl != null
                ? publicUrl
                : URI.create("http://" + bind.getHostString() + ":"
                        + server.getAddress().getPort() + "/sns");
        SnsHttpSubscriber subscriber = new SnsHttpSubscriber(server, executor, sns, topicArn, url);
        try {
            subscriber.subscriptionArn = sns.subscribe(s -> s.topicArn(topicArn)
                            .protocol(url.getScheme())
                            .endpoint(url.toString())
                            .returnSubscriptionArn(true)
                            .attributes(
                                    Map.of("FilterPolicy", FILTER_POLICY, "FilterPolicyScope", "MessageAttributes")))
                    .subscriptionArn();
        } catch (SdkException e) {
            subscriber.stop();
            throw new FleetException.DependencyFailed("SNS did not subscribe " + url + " to " + topicArn, e);
        }
        return subscriber;
    }

    private static void serve(HttpExchange exchange, SnsEndpoint endpoint) throws IOException {
        byte[] body = "POST".equals(exchange.getRequestMethod())
                ? exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1)
                : null;
        try (exchange) {
            if (body != null && body.length > MAX_BODY_BYTES) {
                // still under the deadline: closing the exchange drains what the client keeps sending
                exchange.getResponseHeaders().set("Connection", "close");
                exchange.sendResponseHeaders(413, -1);
                return;
            }
            if (!RequestReadDeadline.requestRead()) {
                return; // the deadline passed: closing the exchange before answering drops the connection
            }
            if (body == null) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.isEmpty() ? "" : v.getFirst()));
            exchange.sendResponseHeaders(endpoint.handle(headers, new String(body, StandardCharsets.UTF_8)), -1);
        }
    }

    public URI publicUrl() {
        return publicUrl;
    }

    /** The subscription, once SNS knows it by ARN (after confirmation). */
    public Optional<String> subscriptionArn() {
        return Optional.ofNullable(subscriptionArn).filter(arn -> arn.startsWith("arn:"));
    }

    /**
     * Unsubscribes and stops serving.
     *
     * @throws FleetException.DependencyFailed when SNS does not take the unsubscription (serving stops regardless)
     */
    @Override
    public void close() {
        try {
            String arn = subscriptionArn()
                    .orElseGet(() -> sns.listSubscriptionsByTopic(l -> l.topicArn(topicArn)).subscriptions().stream()
                            .filter(s -> publicUrl.toString().equals(s.endpoint()))
                            .map(Subscription::subscriptionArn)
                            .filter(a -> a.startsWith("arn:"))
                            .findFirst()
                            .orElse(null));
            if (arn != null) {
                sns.unsubscribe(u -> u.subscriptionArn(arn));
            }
        } catch (SdkException e) {
            throw new FleetException.DependencyFailed("SNS did not unsubscribe " + publicUrl + " from " + topicArn, e);
        } finally {
            stop();
        }
    }

    private void stop() {
        server.stop(0);
        executor.close();
    }
}
