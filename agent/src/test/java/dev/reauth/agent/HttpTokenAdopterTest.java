package dev.reauth.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.reauth.fleet.RequestSigner;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The adoption client against a fake reauth API (the real route does not exist yet). */
class HttpTokenAdopterTest {

    record Received(String method, String path, Map<String, List<String>> headers, String body) {}

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));

    HttpServer server;
    final AtomicReference<Received> received = new AtomicReference<>();
    volatile int status = 200;
    volatile String answer = "{\"tokenVersion\":8}";

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            received.set(new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    URI api() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/prod");
    }

    @Test
    void adopt_postsTheDocumentedBody_signedWithSigV4ForExecuteApi() throws Exception {
        RequestSigner signer = new RequestSigner(CREDENTIALS, "eu-west-1", CLOCK);
        HttpTokenAdopter adopter = new HttpTokenAdopter(api(), Optional.of(signer), Duration.ofSeconds(5));

        TokenAdopter.Outcome outcome = adopter.adopt("acc-1", 7, new ProxyCredentials("at", "rt", 1_770_000_000_000L));

        assertThat(outcome).isEqualTo(new TokenAdopter.Outcome.Adopted(8));
        Received r = received.get();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/prod/accounts/acc-1/tokens");
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertThat(body.path("baseTokenVersion").asLong()).isEqualTo(7);
        assertThat(body.path("accessToken").asText()).isEqualTo("at");
        assertThat(body.path("refreshToken").asText()).isEqualTo("rt");
        assertThat(body.path("expiresAt").asLong()).isEqualTo(1_770_000_000_000L);
        assertThat(body.size()).isEqualTo(4);

        // the signature the server got is the one the SDK's signer computes over exactly what arrived
        String authorization = header(r, "Authorization");
        assertThat(authorization)
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/eu-west-1/execute-api/aws4_request");
        URI arrived = URI.create("http://" + header(r, "Host") + r.path());
        String expected = signer.sign("POST", arrived, Map.of("Content-Type", header(r, "Content-Type")), r.body())
                .get("Authorization")
                .getFirst();
        assertThat(authorization).isEqualTo(expected);
    }

    @Test
    void adopt_aTamperedBody_wouldNotCarryTheSameSignature() {
        RequestSigner signer = new RequestSigner(CREDENTIALS, "eu-west-1", CLOCK);
        new HttpTokenAdopter(api(), Optional.of(signer), Duration.ofSeconds(5))
                .adopt("acc-1", 7, new ProxyCredentials("at", "rt", 1));
        Received r = received.get();

        String forOtherBody = signer.sign(
                        "POST",
                        URI.create("http://" + header(r, "Host") + r.path()),
                        Map.of("Content-Type", header(r, "Content-Type")),
                        r.body().replace("\"at\"", "\"other\""))
                .get("Authorization")
                .getFirst();

        assertThat(header(r, "Authorization")).isNotEqualTo(forOtherBody);
    }

    @Test
    void adopt_409_isAConflict_andOtherRefusalsAreFailuresWithoutTokens() {
        HttpTokenAdopter adopter = new HttpTokenAdopter(api(), Optional.empty(), Duration.ofSeconds(5));
        status = 409;
        answer = "{\"error\":\"conflict\"}";
        assertThat(adopter.adopt("acc-1", 7, new ProxyCredentials("at", "rt", 1)))
                .isEqualTo(new TokenAdopter.Outcome.Conflict());
        assertThat(header(received.get(), "Authorization")).isNull();

        status = 404;
        answer = "{\"error\":\"not_found\",\"error_description\":\"no route\"}";
        TokenAdopter.Outcome notFound = adopter.adopt("acc-1", 7, new ProxyCredentials("secret-at", "secret-rt", 1));
        assertThat(notFound).isInstanceOf(TokenAdopter.Outcome.Failed.class);
        assertThat(((TokenAdopter.Outcome.Failed) notFound).reason())
                .contains("404")
                .doesNotContain("secret-at", "secret-rt");
        assertThat(((TokenAdopter.Outcome.Failed) notFound).transientFailure()).isFalse();
    }

    @Test
    void adopt_aDependencyFailureOrThrottle_isTransient() {
        HttpTokenAdopter adopter = new HttpTokenAdopter(api(), Optional.empty(), Duration.ofSeconds(5));
        status = 503;
        answer = "{\"error\":\"dependency_unavailable\"}";
        assertThat(adopter.adopt("acc-1", 7, new ProxyCredentials("at", "rt", 1)))
                .isEqualTo(new TokenAdopter.Outcome.Failed("HTTP 503 dependency_unavailable", true));
        status = 429;
        answer = "{}";
        assertThat(adopter.adopt("acc-1", 7, new ProxyCredentials("at", "rt", 1)))
                .isEqualTo(new TokenAdopter.Outcome.Failed("HTTP 429", true));
    }

    @Test
    void adopt_anUnreachableApi_isAFailure() {
        server.stop(0);
        TokenAdopter.Outcome outcome = new HttpTokenAdopter(api(), Optional.empty(), Duration.ofSeconds(2))
                .adopt("acc-1", 7, new ProxyCredentials("at", "rt", 1));
        assertThat(outcome).isInstanceOf(TokenAdopter.Outcome.Failed.class);
        assertThat(((TokenAdopter.Outcome.Failed) outcome).transientFailure()).isTrue();
    }

    @Test
    void signerFor_signsDeployedApisOnly() {
        assertThat(AgentRuntime.signerFor(URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com")))
                .isPresent();
        assertThat(AgentRuntime.signerFor(URI.create("http://127.0.0.1:8787"))).isEmpty();
    }

    private static String header(Received r, String name) {
        return r.headers().entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().getFirst())
                .findFirst()
                .orElse(null);
    }
}
