package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.agent.AgentConfig;
import dev.reauth.agent.AgentRuntime;
import dev.reauth.agent.ReauthAgent;
import dev.reauth.local.BetterCcflare;
import dev.reauth.local.LocalApi;
import dev.reauth.wire.Schema.Accounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A second refresher is not a death, against the REAL better-ccflare 3.5.4 and the reauth-agent beside
 * it: better-ccflare's own refresh (its refresh token redeemed at the local provider, which refuses a
 * spent one, and the answer stored with better-ccflare's AccountRepository.updateTokens statement into
 * its running database) lands just before reauth's scheduled refresh, 20 times over. The agent's watch
 * hands each over; where reauth got there first and met invalid_grant, the held verdict waits for it.
 */
class SecondRefresherIT extends SystemIT {

    private static final int ROUNDS = 20;

    private Path work;
    private BetterCcflare betterCcflare;
    private Path apiKeyFile;

    @BeforeAll
    void startBetterCcflare() throws IOException {
        work = Files.createTempDirectory("second-refresher-it");
        betterCcflare = BetterCcflare.create(work.resolve("better-ccflare"));
        apiKeyFile = work.resolve("admin-key");
        Files.writeString(apiKeyFile, betterCcflare.generateAdminKey("reauth-agent"));
        betterCcflare.serve();
    }

    @AfterAll
    void stopBetterCcflare() throws IOException {
        if (betterCcflare != null) {
            betterCcflare.close();
        }
        try (var files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void betterCcflareRefreshingJustBeforeReauth_twentyTimes_leavesNoDeadMarkNoDeadAlertNoPause() throws Exception {
        // GIVEN an account in better-ccflare that reauth keeps, with the agent (watching, and handing tokens over)
        String proxyId = betterCcflare.addOAuthAccount(
                "bcf-race", 0, "old-access", "old-refresh", System.currentTimeMillis() + 7_200_000L);
        String reauthId = system.seedAccount("bcf-race", Map.of());
        AtomicInteger pauses = new AtomicInteger();
        List<Long> applied = new ArrayList<>();
        ReauthAgent.Listener listener = new ReauthAgent.Listener() {
            @Override
            public void applied(
                    String accountId, String name, long tokenVersion, dev.reauth.agent.ProxyReloader.Outcome r) {
                synchronized (applied) {
                    applied.add(tokenVersion);
                }
            }

            @Override
            public void paused(String accountId, String name) {
                pauses.incrementAndGet();
            }
        };
        List<JsonNode> summaries = new ArrayList<>();
        PrincipalClients agentRole = PrincipalClients.of(system.aws, PrincipalClients.AGENT);
        try (LocalApi api = LocalApi.start(system.api, 0);
                AgentRuntime agent = AgentRuntime.start(
                        AgentConfig.from(agentEnvironment(
                                Map.of("REAUTH_API_URL", api.baseUrl().toString(), "AGENT_WATCH_POLL", "PT0.2S"))),
                        agentRole.dynamo(),
                        agentRole.kms(),
                        agentRole.sqs(),
                        agentRole.sns(),
                        listener)) {
            // the local provider's first token exchange is slow (it makes its signing key): up to three logins
            LambdaResponse login = null;
            for (int attempt = 0; attempt < 3 && (login == null || login.getStatusCode() != 200); attempt++) {
                login = system.pasteCode(system.startAndLogIn("bcf-race").pasted());
            }
            assertThat(login.getStatusCode()).as(login.getBody()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> inStep(proxyId, reauthId));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> system.account(reauthId).containsKey(Accounts.AGENT_SEEN_AT));

            for (int round = 1; round <= ROUNDS; round++) {
                // WHEN better-ccflare refreshes on its own (the refresh token it holds, redeemed at the provider)
                String spent = column(proxyId, "refresh_token");
                JsonNode own = system.proxyRefreshesItself(spent);
                betterCcflare.sql(
                        "UPDATE accounts SET access_token = ?, expires_at = ?, refresh_token = ?,"
                                + " refresh_token_issued_at = ? WHERE id = ?",
                        own.path("access_token").asText(),
                        System.currentTimeMillis() + own.path("expires_in").asLong(28_800) * 1000,
                        own.path("refresh_token").asText(),
                        System.currentTimeMillis(),
                        proxyId);
                // AND reauth's scheduled refresh comes right after (its clock moved to the account's lead window)
                system.clock.advance(Duration.ofHours(8));
                JsonNode summary = system.runSchedule();
                summaries.add(summary);

                // THEN no round ends dead, and reauth and better-ccflare agree on the tokens again
                assertThat(summary.path("dead").asInt())
                        .as("round %d: %s", round, summary)
                        .isZero();
                assertThat(system.account(reauthId)
                                .get(Accounts.REQUIRES_REAUTH)
                                .bool())
                        .as("round %d", round)
                        .isFalse();
                await().atMost(Duration.ofSeconds(30)).until(() -> inStep(proxyId, reauthId));
            }

            // AND over all 20: no dead event or alert, no pause, one second-refresher alert, the account healthy
            List<Message> fleet = system.receive(Duration.ofSeconds(2));
            assertThat(fleet).noneMatch(m -> m.body().contains("account.reauth.required"));
            List<JsonNode> alerts = system.alerts(Duration.ofSeconds(3));
            assertThat(alerts).noneMatch(a -> a.path("kind").asText().equals("dead"));
            assertThat(alerts)
                    .filteredOn(a -> a.path("kind").asText().equals("second_refresher"))
                    .hasSize(1);
            assertThat(pauses).hasValue(0);
            assertThat(column(proxyId, "paused")).isEqualTo("0");
            Map<String, AttributeValue> item = system.account(reauthId);
            assertThat(item.get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
            assertThat(item).doesNotContainKey(Accounts.REAUTH_REASON);
            assertThat(Long.parseLong(item.get(Accounts.TOKEN_VERSION).n())).isGreaterThan(ROUNDS);
            long refusedFirst = summaries.stream()
                    .filter(s -> s.path("refreshed").asInt() == 0)
                    .count();
            System.out.printf(
                    "SecondRefresherIT: %d rounds; reauth refreshed from adopted tokens in %d, met a spent token"
                            + " (held, then settled by adoption) in %d%n",
                    ROUNDS, ROUNDS - refusedFirst, refusedFirst);
        }
    }

    /** reauth's current tokens are the ones in better-ccflare's row. */
    private boolean inStep(String proxyId, String reauthId) throws Exception {
        var held = system.decryptTokens(reauthId, system.account(reauthId));
        return held.refreshToken().equals(column(proxyId, "refresh_token"))
                && held.accessToken().equals(column(proxyId, "access_token"));
    }

    private String column(String proxyId, String name) throws Exception {
        String value =
                SqliteRows.row(betterCcflare.database(), "accounts", proxyId).get(name);
        return value.startsWith("'") ? value.substring(1, value.length() - 1) : value;
    }

    private Map<String, String> agentEnvironment(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", work.toString());
        env.put("ACCOUNTS_TABLE", system.aws.accountsTable());
        env.put("TOKEN_EVENTS_TOPIC_ARN", system.aws.topicArn());
        env.put(
                "AGENT_QUEUE_NAME",
                "reauth-agent-" + UUID.randomUUID().toString().substring(0, 8));
        env.put("AGENT_STATE_FILE", work.resolve("state.json").toString());
        env.put("BETTER_CCFLARE_DB_PATH", betterCcflare.database().toString());
        env.put("BETTER_CCFLARE_URL", betterCcflare.url().toString());
        env.put("BETTER_CCFLARE_API_KEY_FILE", apiKeyFile.toString());
        env.putAll(extra);
        return env;
    }
}
