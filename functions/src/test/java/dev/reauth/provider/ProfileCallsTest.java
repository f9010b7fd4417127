package dev.reauth.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.reauth.domain.ReauthException;
import dev.reauth.oauth.ProviderIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a call to the provider's profile endpoint sends, and what its answers are read as. */
class ProfileCallsTest {

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = "{}";
    private volatile Duration delay = Duration.ZERO;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/oauth/profile", exchange -> {
            requests.add(exchange.getRequestMethod() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization") + " | "
                    + exchange.getRequestHeaders().getFirst("User-Agent"));
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            try {
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (IOException callerGone) {
                // the client timed out
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpProviderProfile profile(Duration timeout) {
        return new HttpProviderProfile(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/oauth/profile"),
                timeout,
                "reauth-test/1.0");
    }

    @Test
    void identify_sendsTheTokenAsBearer_withTheProviderUserAgent_andReadsTheAccount() {
        body = "{\"account\":{\"uuid\":\"uuid-1\",\"email\":\"ops@example.com\",\"display_name\":\"ops\"},"
                + "\"organization\":{\"uuid\":\"org-1\",\"name\":\"Ops\",\"organization_type\":\"claude_max\"}}";

        Optional<ProviderIdentity> identity = profile(Duration.ofSeconds(2)).identify("at-123");

        assertThat(identity)
                .contains(new ProviderIdentity(
                        "uuid-1", Optional.of("ops@example.com"), Optional.of("org-1"), Optional.of("Ops")));
        assertThat(requests).containsExactly("GET Bearer at-123 | reauth-test/1.0");
    }

    @ParameterizedTest
    @ValueSource(ints = {401, 403})
    void identify_aTokenTheProviderRefuses_isEmpty(int refusal) {
        status = refusal;
        body =
                "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"Invalid bearer token\"}}";

        assertThat(profile(Duration.ofSeconds(2)).identify("at-dead")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 503, 404})
    void identify_anyOtherStatus_isAFailureToCheck(int failure) {
        status = failure;

        assertThatThrownBy(() -> profile(Duration.ofSeconds(2)).identify("at-123"))
                .isInstanceOf(ReauthException.ProviderFailed.class)
                .hasMessage("The provider's profile endpoint answered HTTP " + failure);
    }

    @Test
    void identify_anAnswerNamingNoAccount_isAFailureToCheck_withoutEchoingIt() {
        body = "{\"account\":{\"email\":\"at-123\"}}";

        assertThatThrownBy(() -> profile(Duration.ofSeconds(2)).identify("at-123"))
                .isInstanceOf(ReauthException.ProviderFailed.class)
                .hasMessage("The provider's profile answer named no account");
    }

    @Test
    void identify_aSlowAnswer_isAFailureToCheck() {
        delay = Duration.ofSeconds(2);

        assertThatThrownBy(() -> profile(Duration.ofMillis(300)).identify("at-123"))
                .isInstanceOf(ReauthException.ProviderFailed.class)
                .hasMessage("The provider's profile endpoint did not answer in time");
    }

    @Test
    void identify_nobodyListening_isAFailureToCheck() {
        server.stop(0);

        assertThatThrownBy(() -> profile(Duration.ofSeconds(1)).identify("at-123"))
                .isInstanceOf(ReauthException.ProviderFailed.class)
                .hasMessage("The provider's profile endpoint could not be reached");
    }
}
