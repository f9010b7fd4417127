package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.LocalOAuthProvider.Login;
import dev.reauth.local.RefreshGrants;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The refresh token's absolute deadline, acted on: the provider gives each login 29 days, refreshing
 * does not extend them, and a person hears about it 3 days ahead, once a day, with a one-time link
 * that works, until the account is re-authenticated; then the warnings stop. Time is moved with the
 * functions' clock and the local provider's together, through a month, against the real emulator.
 */
class ExpiringAlertIT extends LinkSystemIT {

    private static final Pattern LINK = Pattern.compile(Pattern.quote(WEB_BASE_URL) + "/r/[A-Za-z0-9_-]{43}");
    private static final Duration LIFETIME = Duration.ofDays(29);

    @Test
    void anAccountNearItsDeadline_getsOneAlertADay_withAWorkingLink_andNoneAfterReauthentication() {
        RefreshGrants grants = system.provider.refreshGrants();
        grants.clock(system.clock);
        grants.refreshTokenLifetime(LIFETIME);
        Instant loggedIn = system.clock.instant();
        String expiring = boundAccount("expiring-soon", OPS);
        grants.refreshTokenLifetime(Duration.ofDays(60));
        String later = boundAccount("expiring-later", Login.of("later@example.com"));

        Instant deadline = deadline(expiring);
        // the answer says how long is left in whole seconds: the stored deadline may fall up to 1 s short
        assertThat(deadline)
                .isBetween(
                        loggedIn.plus(LIFETIME).minusSeconds(1),
                        loggedIn.plus(LIFETIME).plusSeconds(60));
        assertThat(deadline(later)).isAfter(deadline.plus(Duration.ofDays(30)));

        // day 25: the schedule refreshes both (their access tokens expired meanwhile), nobody is warned yet;
        // the deadline read back from the refresh answer may differ by its latency and the whole seconds it is sent in
        system.clock.advance(Duration.ofDays(25));
        JsonNode day25 = system.runSchedule();
        assertThat(day25.path("refreshed").asInt()).isEqualTo(2);
        assertThat(day25.path("expiringWarned").asInt()).isZero();
        assertThat(deadline(expiring))
                .as("a refresh does not extend the deadline")
                .isBetween(deadline.minusSeconds(5), deadline.plusSeconds(5));

        // day 26 and an hour: within 3 days of the deadline; one alert, and the next run in the same day sends none.
        // The provider fails that run's refreshes, so the alert finds the access token expired and says so
        system.clock.advance(Duration.ofDays(1).plusHours(1));
        grants.serverErrorShare(100);
        assertThat(system.runSchedule().path("expiringWarned").asInt()).isEqualTo(1);
        grants.serverErrorShare(0);
        assertThat(system.runSchedule().path("expiringWarned").asInt()).isZero();
        system.clock.advance(Duration.ofHours(23));
        assertThat(system.runSchedule().path("expiringWarned").asInt()).isZero();
        // a day after the first: the second
        system.clock.advance(Duration.ofHours(1).plusMinutes(1));
        assertThat(system.runSchedule().path("expiringWarned").asInt()).isEqualTo(1);

        List<JsonNode> alerts = expiringAlerts(Duration.ofSeconds(5));
        assertThat(alerts).hasSize(2);
        assertThat(alerts).allSatisfy(alert -> {
            assertThat(alert.path("accountId").asText()).isEqualTo(expiring);
            assertThat(alert.path("what").asText()).contains("refresh token stops working at");
            assertThat(LINK.matcher(alert.path("fix").asText()).find()).isTrue();
        });
        // each text states the access token as the warning's claim read it from the table
        assertThat(alerts.get(0).path("what").asText())
                .endsWith("proxies cannot use the account until a refresh succeeds.")
                .doesNotContain("keep using");
        assertThat(alerts.get(1).path("what").asText())
                .endsWith("Until then reauth keeps the account refreshed and proxies keep using it.");

        // the latest alert's link re-authenticates the account, with a new 29-day deadline
        String token = system.rememberLink(link(alerts.get(1).path("fix").asText()));
        grants.refreshTokenLifetime(LIFETIME);
        Instant reauthenticatedAt = system.clock.instant();
        LambdaResponse done = system.linkComplete(token, startAndLogIn(token, OPS));
        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        Map<String, AttributeValue> item = system.account(expiring);
        assertThat(item).doesNotContainKey(Accounts.EXPIRING_ALERT_AT);
        assertThat(deadline(expiring)).isAfter(reauthenticatedAt.plus(LIFETIME).minusSeconds(5));

        // no more warnings: not in the same run, nor a day later
        assertThat(system.runSchedule().path("expiringWarned").asInt()).isZero();
        system.clock.advance(Duration.ofDays(1).plusMinutes(1));
        assertThat(system.runSchedule().path("expiringWarned").asInt()).isZero();
        assertThat(expiringAlerts(Duration.ofSeconds(3))).isEmpty();

        // and GET /accounts shows each account's deadline
        JsonNode listed = ReauthSystem.json(system.listAccounts());
        assertThat(listedDeadline(listed, "expiring-soon"))
                .isEqualTo(deadline(expiring).toString());
        assertThat(listedDeadline(listed, "expiring-later"))
                .isEqualTo(deadline(later).toString());
    }

    private Instant deadline(String accountId) {
        return Instant.ofEpochMilli(Long.parseLong(
                system.account(accountId).get(Accounts.REFRESH_TOKEN_EXPIRES_AT).n()));
    }

    private List<JsonNode> expiringAlerts(Duration wait) {
        return system.alerts(wait).stream()
                .filter(alert -> alert.path("kind").asText().equals("expiring"))
                .toList();
    }

    private static String link(String text) {
        Matcher matcher = LINK.matcher(text);
        assertThat(matcher.find()).isTrue();
        return matcher.group();
    }

    private static String listedDeadline(JsonNode listed, String name) {
        for (JsonNode account : listed.path("accounts")) {
            if (account.path("name").asText().equals(name)) {
                return account.path("refreshTokenExpiresAt").asText();
            }
        }
        throw new AssertionError("account " + name + " not listed: " + listed);
    }
}
