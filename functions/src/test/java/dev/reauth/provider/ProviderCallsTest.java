package dev.reauth.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.reauth.oauth.ProviderConfig;
import dev.reauth.oauth.TokenRequestFormat;
import dev.reauth.oauth.TokenResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every call to the token endpoint sends, and what its answers are read as. */
class ProviderCallsTest {

    private HttpServer server;
    private final List<String> userAgents = new CopyOnWriteArrayList<>();
    private final List<String> revokeBodies = new CopyOnWriteArrayList<>();
    private volatile int revokeStatus = 200;
    private volatile int status = 200;
    private volatile String body = "{}";
    private volatile Map<String, String> headers = Map.of();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/token", exchange -> {
            userAgents.add(String.valueOf(exchange.getRequestHeaders().getFirst("User-Agent")));
            exchange.getRequestBody().readAllBytes();
            headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.createContext("/revoke", exchange -> {
            revokeBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(revokeStatus, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpAuthorizationServer provider(String userAgent) {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        ProviderConfig local = new ProviderConfig(
                "client",
                base.resolve("/authorize"),
                base.resolve("/authorize"),
                base.resolve("/token"),
                "http://127.0.0.1/cb",
                List.of("user:inference"),
                TokenRequestFormat.JSON,
                Optional.empty(),
                Map.of());
        return new HttpAuthorizationServer(local, Duration.ofSeconds(2), Duration.ofSeconds(2), userAgent);
    }

    @Test
    void everyRefresh_sendsTheConfiguredUserAgent_andTheDefaultOneWhenNoneIsConfigured() {
        body = "{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_in\":3600}";

        provider("fleet-refresher/2.0").refresh("old", List.of());
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        new HttpAuthorizationServer(
                        new ProviderConfig(
                                "client",
                                base,
                                base,
                                base.resolve("/token"),
                                "http://127.0.0.1/cb",
                                List.of(),
                                TokenRequestFormat.JSON,
                                Optional.empty(),
                                Map.of()),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2))
                .refresh("old", List.of());

        assertThat(userAgents).containsExactly("fleet-refresher/2.0", HttpAuthorizationServer.DEFAULT_USER_AGENT);
    }

    @Test
    void revoke_postsTheTokenAsTheOfficialClientDoes_andSaysHowItWent_neverThrowing() {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        HttpAuthorizationServer revoking = new HttpAuthorizationServer(
                provider("ua/1").config(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                "ua/1",
                Optional.of(base.resolve("/revoke")));

        assertThat(revoking.revoke("old-refresh")).isEqualTo(dev.reauth.domain.RevocationOutcome.REVOKED);
        revokeStatus = 400;
        assertThat(revoking.revoke("old-refresh")).isEqualTo(dev.reauth.domain.RevocationOutcome.REFUSED);
        revokeStatus = 503;
        assertThat(revoking.revoke("old-refresh")).isEqualTo(dev.reauth.domain.RevocationOutcome.FAILED);
        server.stop(0);
        assertThat(revoking.revoke("old-refresh")).isEqualTo(dev.reauth.domain.RevocationOutcome.FAILED);
        assertThat(provider("ua/1").revoke("old-refresh")).isEqualTo(dev.reauth.domain.RevocationOutcome.OFF);

        assertThat(revokeBodies.getFirst())
                .isEqualTo(
                        "{\"token\":\"old-refresh\",\"token_type_hint\":\"refresh_token\",\"client_id\":\"client\"}");
    }

    @Test
    void anEmptyOrUnprintableUserAgent_isRefusedAtStart() {
        assertThatThrownBy(() -> provider("  ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> provider("agent\r\nX-Injected: 1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRefreshTokenLifetime_isReadFromTheAnswer_asAnAbsoluteDeadline() {
        body = "{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_in\":3600,"
                + "\"refresh_token_expires_in\":2505600}";
        Instant answeredAt = Instant.parse("2026-12-02T10:00:00Z");

        TokenResponse.Granted granted = (TokenResponse.Granted) provider("ua/1").refresh("old", List.of());

        assertThat(granted.refreshTokenExpiresIn()).contains(Duration.ofDays(29));
        assertThat(granted.refreshTokenExpiresAt(answeredAt)).contains(Instant.parse("2026-12-31T10:00:00Z"));
    }

    @Test
    void aMissingOrMalformedRefreshTokenLifetime_isNoDeadline_andTheTokensStillCount() {
        for (String lifetime :
                List.of("", ",\"refresh_token_expires_in\":\"soon\"", ",\"refresh_token_expires_in\":-5")) {
            body = "{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_in\":3600" + lifetime + "}";

            TokenResponse.Granted granted =
                    (TokenResponse.Granted) provider("ua/1").refresh("old", List.of());

            assertThat(granted.refreshTokenExpiresIn()).as(lifetime).isEmpty();
        }
    }

    @Test
    void a401_isReadAsTheRefusalItCarries_notAsAnOutage() {
        status = 401;
        body = "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}";

        assertThat(provider("ua/1").refresh("old", List.of()))
                .isEqualTo(new TokenResponse.Refused(401, "invalid_client", Optional.empty()));
    }

    @Test
    void anAccountOnHold_keepsItsBareCodeDescription() {
        status = 403;
        body = "{\"error\":\"access_denied\",\"error_description\":\"account_on_hold\"}";

        assertThat(provider("ua/1").refresh("old", List.of()))
                .isEqualTo(new TokenResponse.Refused(403, "access_denied", Optional.of("account_on_hold")));
    }

    @Test
    void a429_isThrottled_forTheClampedWaitItAskedFor() {
        status = 429;
        body = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\"}}";
        headers = Map.of("Retry-After", "20");

        TokenResponse response = provider("ua/1").refresh("old", List.of());

        assertThat(response).isEqualTo(new TokenResponse.Throttled(Optional.of(Duration.ofSeconds(20))));
    }
}
