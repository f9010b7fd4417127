package dev.reauth.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The certificate fetch is bounded: time, size, status, no redirects, http(s) only. Against a real server on 127.0.0.1. */
class CertificateFetcherTest {

    private static final int MAX_BYTES = 4096;
    /** A deadline no busy CI machine reaches for a local answer; the trickle test uses its own short one. */
    private final CertificateFetcher fetcher = new CertificateFetcher(Duration.ofSeconds(20), MAX_BYTES);

    private final AtomicInteger certificateRequests = new AtomicInteger();
    private HttpServer server;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/cert.pem", exchange -> {
            certificateRequests.incrementAndGet();
            byte[] body = "-----BEGIN CERTIFICATE-----".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/big.pem", exchange -> {
            exchange.sendResponseHeaders(200, MAX_BYTES + 1);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[MAX_BYTES + 1]);
            }
        });
        server.createContext("/big-chunked.pem", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[MAX_BYTES + 1]);
            }
        });
        server.createContext("/missing.pem", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.createContext("/redirect.pem", exchange -> {
            exchange.getResponseHeaders().set("Location", url("/cert.pem").toString());
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void servedCertificate_isReturned() {
        assertThat(new String(fetcher.apply(url("/cert.pem")), StandardCharsets.US_ASCII))
                .isEqualTo("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void bodyOverTheLimit_isRefused_notTruncated() {
        assertThatThrownBy(() -> fetcher.apply(url("/big.pem")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("larger than");
        assertThatThrownBy(() -> fetcher.apply(url("/big-chunked.pem")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("larger than");
    }

    @Test
    void statusOtherThan200_isRefused() {
        assertThatThrownBy(() -> fetcher.apply(url("/missing.pem")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("status 404");
    }

    @Test
    void redirect_isNotFollowed() {
        assertThatThrownBy(() -> fetcher.apply(url("/redirect.pem")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("status 302");
        assertThat(certificateRequests).hasValue(0);
    }

    @Test
    void schemeOtherThanHttp_isRefused() {
        assertThatThrownBy(() -> fetcher.apply(URI.create("file:///etc/passwd")))
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    @Timeout(30)
    void serverThatTricklesItsAnswer_isGivenUpOnAtTheDeadline_andItsConnectionClosed() throws Exception {
        CountDownLatch connectionClosedByFetcher = new CountDownLatch(1);
        try (ServerSocket trickler = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                try (Socket client = trickler.accept();
                        OutputStream out = client.getOutputStream()) {
                    out.write("HTTP/1.1 200 OK\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    while (true) { // one byte every 100 ms: each read is quick, the answer never ends
                        out.write('a');
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (IOException e) {
                    connectionClosedByFetcher.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            CertificateFetcher impatient = new CertificateFetcher(Duration.ofMillis(500), MAX_BYTES);
            assertThatThrownBy(() ->
                            impatient.apply(URI.create("http://127.0.0.1:" + trickler.getLocalPort() + "/slow.pem")))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("no answer within 500 ms");
            assertThat(connectionClosedByFetcher.await(20, TimeUnit.SECONDS))
                    .as("the fetcher closed the trickling connection")
                    .isTrue();
        }
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }
}
