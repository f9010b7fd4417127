package dev.reauth.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback front for the local provider's token endpoint that passes requests through, and on
 * demand loses the provider's answer after the provider acted on the request (rotated): it answers
 * 500 instead, or holds the answer past the client's timeout. The provider sees one redemption
 * either way; reauth never sees the new tokens.
 */
final class AnswerLosingFront implements AutoCloseable {

    /** What happens to the next answer. */
    enum Loss {
        NONE,
        SERVER_ERROR_AFTER_ROTATING,
        SLOWER_THAN_THE_TIMEOUT
    }

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final AtomicReference<Loss> next = new AtomicReference<>(Loss.NONE);
    private volatile URI upstream;
    private volatile Duration hold = Duration.ofSeconds(4);

    AnswerLosingFront() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                HttpResponse<byte[]> answer = client.send(
                        HttpRequest.newBuilder(upstream)
                                .header(
                                        "Content-Type",
                                        exchange.getRequestHeaders().getFirst("Content-Type"))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                Loss loss = next.getAndSet(Loss.NONE);
                if (loss == Loss.SLOWER_THAN_THE_TIMEOUT) {
                    Thread.sleep(hold);
                }
                int status = loss == Loss.SERVER_ERROR_AFTER_ROTATING ? 500 : answer.statusCode();
                byte[] out = loss == Loss.SERVER_ERROR_AFTER_ROTATING ? "{}".getBytes() : answer.body();
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, out.length);
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException closedByTheClient) {
                // the client gave up waiting: that is the point of SLOWER_THAN_THE_TIMEOUT
            }
        });
        server.start();
    }

    /** Where requests go on: the provider's token endpoint. */
    void upstream(URI tokenUrl) {
        upstream = tokenUrl;
    }

    /** How long {@link Loss#SLOWER_THAN_THE_TIMEOUT} holds an answer. */
    void hold(Duration duration) {
        hold = duration;
    }

    /** The next request's answer is lost this way. */
    void loseNext(Loss loss) {
        next.set(loss);
    }

    URI tokenUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/oauth/token");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
