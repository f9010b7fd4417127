package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.fleet.DynamoAccountTokensReader;
import dev.reauth.fleet.KmsTokenDecryptor;
import dev.reauth.fleet.SqsSubscriber;
import dev.reauth.fleet.TokenSource;
import dev.reauth.local.RefreshGrants;
import dev.reauth.wire.Schema.Accounts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A day of an 8-hour-token fleet, fast-forwarded: 20 accounts whose access tokens live 60 s, a 20 s
 * lead window, the schedule every 5 s, and 5 proxy servers (the fleet library, subscribed over SQS)
 * reading every account continuously for 3 minutes. No read may get an expired access token, the
 * provider must never see a refresh token twice, and each account must be refreshed about once per
 * lifetime: not less (it would expire), not much more (wasted provider calls).
 */
class FastForwardDayIT {

    private static final Duration LIFETIME = Duration.ofSeconds(60);
    private static final Duration LEAD = Duration.ofSeconds(20);
    private static final Duration SCHEDULE = Duration.ofSeconds(5);
    private static final Duration DAY = Duration.ofMinutes(3);
    private static final int ACCOUNTS = 20;
    private static final int PROXIES = 5;

    @Test
    void twentyAccounts_fiveProxies_threeMinutes_noExpiredRead_noReusedRefreshToken() throws Exception {
        LogCapture.install();
        try (ReauthSystem system =
                new ReauthSystem(null, Map.of("REFRESH_LEAD", "PT20S", "OAUTH_HTTP_TIMEOUT", "PT5S"))) {
            RefreshGrants provider = system.provider.refreshGrants();
            provider.accessTokenLifetime(LIFETIME);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < ACCOUNTS; i++) {
                ids.add(system.liveAccount("day-" + i));
            }
            Map<String, Long> startVersions = versions(system, ids);
            int refreshCallsBefore = provider.refreshRequests();

            List<TokenSource> proxies = new ArrayList<>();
            List<AutoCloseable> subscriptions = new ArrayList<>();
            for (int p = 0; p < PROXIES; p++) {
                PrincipalClients fleet = PrincipalClients.of(system.aws, PrincipalClients.FLEET);
                TokenSource proxy = new TokenSource(
                        new DynamoAccountTokensReader(fleet.dynamo(), system.aws.accountsTable()),
                        new KmsTokenDecryptor(fleet.kms()),
                        Clock.systemUTC(),
                        Duration.ofSeconds(5));
                String queue = SqsSubscriber.subscribeQueue(
                        system.aws.sqs(),
                        system.aws.sns(),
                        system.aws.topicArn(),
                        "day-proxy-" + UUID.randomUUID().toString().substring(0, 8));
                subscriptions.add(SqsSubscriber.start(system.aws.sqs(), queue, proxy));
                proxies.add(proxy);
            }

            ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor();
            schedule.scheduleWithFixedDelay(system::runSchedule, 0, SCHEDULE.toMillis(), TimeUnit.MILLISECONDS);
            AtomicLong reads = new AtomicLong();
            AtomicLong expiredReads = new AtomicLong();
            Instant end = Instant.now().plus(DAY);
            List<Thread> readers = new ArrayList<>();
            for (TokenSource proxy : proxies) {
                readers.add(Thread.ofPlatform().start(() -> {
                    while (Instant.now().isBefore(end)) {
                        for (String id : ids) {
                            String token = proxy.accessToken(id);
                            reads.incrementAndGet();
                            if (!provider.isLive(token, Instant.now())) {
                                expiredReads.incrementAndGet();
                            }
                        }
                        sleep(Duration.ofMillis(20));
                    }
                }));
            }
            for (Thread reader : readers) {
                reader.join();
            }
            schedule.shutdown();
            schedule.awaitTermination(1, TimeUnit.MINUTES);
            for (AutoCloseable subscription : subscriptions) {
                subscription.close();
            }

            Map<String, Long> endVersions = versions(system, ids);
            long refreshes = 0;
            for (String id : ids) {
                long advanced = endVersions.get(id) - startVersions.get(id);
                refreshes += advanced;
                // 180 s of 60 s tokens refreshed 20 s early: about every 40 s, 4 to 5 times
                assertThat(advanced).as("refreshes of " + id).isBetween(3L, 6L);
            }
            assertThat(reads.get()).isGreaterThan(10_000);
            assertThat(expiredReads.get())
                    .as("reads that got an expired access token")
                    .isZero();
            assertThat(provider.reusedRefreshTokens())
                    .as("refresh tokens presented twice")
                    .isZero();
            assertThat(provider.refreshRequests() - refreshCallsBefore)
                    .as("provider calls, one per refresh")
                    .isEqualTo(refreshes);
            System.out.printf(
                    "fast-forwarded day: %d reads, %d refreshes, 0 expired, 0 reused%n", reads.get(), refreshes);
        }
    }

    private static Map<String, Long> versions(ReauthSystem system, List<String> ids) {
        Map<String, Long> versions = new HashMap<>();
        for (String id : ids) {
            versions.put(
                    id,
                    Long.parseLong(
                            system.account(id).get(Accounts.TOKEN_VERSION).n()));
        }
        return versions;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
