package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.local.RefreshGrants;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A 429 with {@code Retry-After: 20} holds every refresh of the account back, on-demand ones too
 * (a proxy that got a 401 asks every half second): the provider's own record of its calls shows none
 * within 20 s of the 429. Once the wait is over, the next refresh reaches it and succeeds.
 */
class RetryAfterIT {

    @Test
    void a429WithRetryAfter20_getsNoCallForTwentySeconds_thenTheRefreshGoesThrough() throws Exception {
        // a minimum interval of a second, so only the provider's wait can hold the proxies' refreshes back
        try (ReauthSystem system = new ReauthSystem(null, Map.of("REFRESH_MIN_INTERVAL", "PT1S"))) {
            LocalOAuthProvider provider = system.provider;
            RefreshGrants grants = provider.refreshGrants();
            String id = system.liveAccount("throttled");
            long version = Long.parseLong(
                    system.account(id).get(Accounts.TOKEN_VERSION).n());
            grants.retryAfter(Duration.ofSeconds(20));
            grants.failNext(RefreshGrants.Fault.THROTTLED);

            int before = provider.tokenCalls().size();
            system.refreshNow(id, null);
            List<LocalOAuthProvider.TokenCall> throttled =
                    provider.tokenCalls().subList(before, provider.tokenCalls().size());
            assertThat(throttled).hasSize(1);
            Instant the429 = throttled.getFirst().at();

            // 21 s of a proxy asking for a refresh every half second, and the schedule running meanwhile
            Instant until = the429.plusSeconds(21);
            while (Instant.now().isBefore(until)) {
                system.refreshNow(id, null);
                system.runSchedule();
                Thread.sleep(500);
            }
            List<LocalOAuthProvider.TokenCall> after = provider.tokenCalls()
                    .subList(before + 1, provider.tokenCalls().size());
            assertThat(after)
                    .as("token calls within 20 s of the 429")
                    .noneMatch(call -> call.at().isBefore(the429.plusSeconds(20)));
            assertThat(system.account(id).get(Accounts.THROTTLED_UNTIL)).isNotNull();

            // past the wait (and the refresher's own first backoff, a minute), the refresh goes through
            system.clock.advance(Duration.ofSeconds(61));
            system.refreshNow(id, null);
            assertThat(Long.parseLong(
                            system.account(id).get(Accounts.TOKEN_VERSION).n()))
                    .isEqualTo(version + 1);
        }
    }
}
