package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.RefreshGrants;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Long-lived access tokens (OAUTH_ACCESS_TOKEN_LIFETIME) with the scopes the provider grants them
 * for: the code exchange asks for the lifetime and gets it, the account is not refreshed through its
 * month, and it is warned about before its refresh token's deadline as any other.
 */
class LongLivedTokenIT {

    private static final String WEB_BASE_URL = LinkSystemIT.WEB_BASE_URL;

    @Test
    void aLongLivedLogin_isNotRefreshedForItsLife_andIsWarnedAboutBeforeItsDeadline() {
        try (ReauthSystem longLived = new ReauthSystem(
                null,
                Map.of(
                        "WEB_BASE_URL", WEB_BASE_URL,
                        "OAUTH_SCOPES", "user:profile user:inference",
                        "OAUTH_ACCESS_TOKEN_LIFETIME", "P365D"))) {
            RefreshGrants grants = longLived.provider.refreshGrants();
            grants.clock(longLived.clock);
            grants.refreshTokenLifetime(Duration.ofDays(29));
            Instant loggedIn = longLived.clock.instant();
            String id = longLived.liveAccount("long-lived");

            assertThat(longLived.provider.customLifetimesGranted()).containsExactly(31_536_000L);
            Instant expiresAt = Instant.ofEpochMilli(Long.parseLong(
                    longLived.account(id).get(Accounts.EXPIRES_AT).n()));
            assertThat(expiresAt).isAfter(loggedIn.plus(Duration.ofDays(364)));
            int refreshCalls = grants.refreshRequests();

            // a day, then three weeks: nothing is due, nobody is warned
            for (Duration step : List.of(Duration.ofDays(1), Duration.ofDays(21))) {
                longLived.clock.advance(step);
                JsonNode run = longLived.runSchedule();
                assertThat(run.path("due").asInt()).isZero();
                assertThat(run.path("expiringWarned").asInt()).isZero();
            }
            // day 26 and a bit: within 3 days of the refresh token's deadline
            longLived.clock.advance(Duration.ofDays(4).plusHours(1));
            JsonNode run = longLived.runSchedule();
            assertThat(run.path("due").asInt()).isZero();
            assertThat(run.path("expiringWarned").asInt()).isEqualTo(1);
            assertThat(grants.refreshRequests()).as("refresh calls in 26 days").isEqualTo(refreshCalls);
            assertThat(longLived.alerts(Duration.ofSeconds(5)))
                    .extracting(alert -> alert.path("kind").asText())
                    .containsExactly("expiring");
        }
    }
}
