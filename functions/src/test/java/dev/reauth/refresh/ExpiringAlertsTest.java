package dev.reauth.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.domain.Alert;
import dev.reauth.domain.ReauthException;
import dev.reauth.link.IssuedLink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExpiringAlertsTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    /** Deadlines in memory, with the warning mark the Dynamo adapter keeps. */
    private static final class Deadlines implements RefreshTokenDeadlines {
        final Map<String, ExpiringAccount> accounts = new HashMap<>();
        final Map<String, Instant> warnedAt = new HashMap<>();
        final Map<String, Instant> accessExpiresAt = new HashMap<>();
        Instant horizonAsked;

        @Override
        public List<ExpiringAccount> findExpiring(Instant horizon, Instant warnedBefore) {
            horizonAsked = horizon;
            return accounts.values().stream()
                    .filter(a -> !a.refreshTokenExpiresAt().isAfter(horizon))
                    .filter(a -> !warnedAt.containsKey(a.id())
                            || !warnedAt.get(a.id()).isAfter(warnedBefore))
                    .toList();
        }

        @Override
        public Optional<ClaimedWarning> claimWarning(
                String accountId, Instant deadline, Instant warnedBefore, Instant now) {
            Instant last = warnedAt.get(accountId);
            if (last != null && last.isAfter(warnedBefore)) {
                return Optional.empty();
            }
            warnedAt.put(accountId, now);
            return Optional.of(new ClaimedWarning(Optional.ofNullable(accessExpiresAt.get(accountId))));
        }

        @Override
        public void releaseWarning(String accountId, Instant claimedAt) {
            warnedAt.remove(accountId, claimedAt);
        }
    }

    private final Deadlines deadlines = new Deadlines();
    private final List<Alert> sent = new ArrayList<>();
    private boolean publishFails;

    private ExpiringAlerts alerts(Instant at) {
        return new ExpiringAlerts(
                deadlines,
                alert -> {
                    if (publishFails) {
                        throw new ReauthException.DependencyFailed("topic down", null);
                    }
                    sent.add(alert);
                },
                Optional.of((id, name, by) ->
                        new IssuedLink(id, name, "https://web.example/r/" + id, at.plusSeconds(86_400))),
                Duration.ofDays(3),
                Clock.fixed(at, ZoneOffset.UTC));
    }

    @Test
    void anAccountWithinTheWarning_isWarnedOnceADay_withALink() {
        deadlines.accounts.put(
                "a", new RefreshTokenDeadlines.ExpiringAccount("a", "alpha", NOW.plus(Duration.ofDays(2))));
        deadlines.accounts.put(
                "b", new RefreshTokenDeadlines.ExpiringAccount("b", "beta", NOW.plus(Duration.ofDays(9))));

        assertThat(alerts(NOW).run()).isEqualTo(1);
        assertThat(deadlines.horizonAsked).isEqualTo(NOW.plus(Duration.ofDays(3)));
        assertThat(alerts(NOW.plus(Duration.ofHours(23))).run()).isZero();
        assertThat(alerts(NOW.plus(Duration.ofDays(1))).run()).isEqualTo(1);

        assertThat(sent).hasSize(2).allSatisfy(alert -> {
            assertThat(alert.kind()).isEqualTo(Alert.Kind.EXPIRING);
            assertThat(alert.accountName()).isEqualTo("alpha");
            assertThat(alert.fix())
                    .startsWith("open https://web.example/r/a ")
                    .endsWith("reauth --reauthenticate alpha");
        });
        assertThat(sent.getFirst().what())
                .contains("stops working at " + NOW.plus(Duration.ofDays(2)) + " (in 2 days)");
    }

    @Test
    void aWarningThatCouldNotBeSent_isGivenBack_soTheNextRunSendsIt() {
        deadlines.accounts.put(
                "a", new RefreshTokenDeadlines.ExpiringAccount("a", "alpha", NOW.plus(Duration.ofDays(2))));
        publishFails = true;

        assertThat(alerts(NOW).run()).isZero();
        publishFails = false;
        assertThat(alerts(NOW.plusSeconds(300)).run()).isEqualTo(1);
        assertThat(sent).hasSize(1);
    }

    @Test
    void theWarningSaysWhatProxiesDo_withTheAccessTokenTheClaimFound() {
        deadlines.accounts.put(
                "a", new RefreshTokenDeadlines.ExpiringAccount("a", "alpha", NOW.plus(Duration.ofDays(2))));
        deadlines.accessExpiresAt.put("a", NOW.minus(Duration.ofMinutes(10)));

        alerts(NOW).run();

        assertThat(sent.getFirst().what())
                .endsWith("Its access token expired at 2026-12-02T09:50:00Z (10m ago): proxies cannot use the account"
                        + " until a refresh succeeds.");
    }
}
