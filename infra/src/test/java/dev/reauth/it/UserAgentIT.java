package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.provider.HttpAuthorizationServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Against a provider that answers 429 to any token request without a User-Agent (as Anthropic's
 * did in 2026), a fleet of 50 accounts refreshes with no refusal: every call carries the configured
 * agent, as the provider's own record of the calls shows.
 */
class UserAgentIT {

    private static final int ACCOUNTS = 50;
    private static final String AGENT = "fleet-refresher/2.0 (ops@example.com)";

    @Test
    void fiftyAccounts_refreshWithNoRefusal_eachCallCarryingTheConfiguredAgent() throws Exception {
        try (ReauthSystem system = new ReauthSystem(null, Map.of("OAUTH_USER_AGENT", AGENT))) {
            LocalOAuthProvider provider = system.provider;
            // the provider refuses a client that names none: the control
            assertThat(postWithoutUserAgent(provider)).isEqualTo(429);

            List<String> ids = new ArrayList<>();
            for (int i = 0; i < ACCOUNTS; i++) {
                ids.add(system.liveAccount("ua-" + i));
            }
            int callsBefore = provider.tokenCalls().size();

            // eight hours on: every access token is due
            system.clock.advance(Duration.ofHours(8));
            int refreshed = 0;
            for (int run = 0; run < 10 && refreshed < ACCOUNTS; run++) {
                JsonNode summary = system.runSchedule();
                assertThat(summary.path("throttled").asInt())
                        .as("runs throttled")
                        .isZero();
                assertThat(summary.path("failed").asInt()).as("runs failed").isZero();
                refreshed += summary.path("refreshed").asInt();
            }

            assertThat(refreshed).isEqualTo(ACCOUNTS);
            List<LocalOAuthProvider.TokenCall> calls = provider.tokenCalls()
                    .subList(callsBefore, provider.tokenCalls().size());
            assertThat(calls).hasSize(ACCOUNTS);
            assertThat(calls)
                    .extracting(LocalOAuthProvider.TokenCall::userAgent)
                    .containsOnly(AGENT);
            // the logins were exchanged with it too
            assertThat(provider.tokenCalls().subList(1, callsBefore))
                    .extracting(LocalOAuthProvider.TokenCall::userAgent)
                    .containsOnly(AGENT);
            assertThat(HttpAuthorizationServer.DEFAULT_USER_AGENT).isNotBlank();
        }
    }

    private static int postWithoutUserAgent(LocalOAuthProvider provider) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(provider.providerConfig().tokenUrl())
                .header("Content-Type", "application/json")
                .header("User-Agent", " ")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"refresh_token\",\"refresh_token\":\"x\"}"))
                .build();
        return HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
