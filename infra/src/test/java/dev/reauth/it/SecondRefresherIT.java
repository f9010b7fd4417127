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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * it: better-ccflare refreshes on its own, its own code doing it. Its upstream traffic goes through a
 * {@link RecordingHttpsProxy} (HTTPS_PROXY, the test CA trusted through NODE_EXTRA_CA_CERTS) that
 * forwards the token requests it sends to the URL it hard-codes (platform.claude.com/v1/oauth/token)
 * to the local provider, which rotates and refuses a spent refresh token. The provider grants
 * 20-minute access tokens, so better-ccflare (which refreshes within 30 minutes of expiry) refreshes
 * whenever it serves a request, and reauth (60-minute lead window) finds the account due at every
 * scheduled run. Each round one client request goes through better-ccflare, then reauth's scheduled
 * refresh runs at once, 20 times over (reauth's clock 11 s on per round, under its 6 adoptions a minute). The agent's watch hands each of better-ccflare's refreshes over;
 * where reauth got there first and met invalid_grant, the held verdict waits for it.
 */
class SecondRefresherIT extends SystemIT {

    private static final int ROUNDS = 20;

    private Path work;
    private BetterCcflare betterCcflare;
    private Path apiKeyFile;
    private String apiKey;
    private RecordingHttpsProxy upstream;

    @BeforeAll
    void startBetterCcflare() throws Exception {
        work = Files.createTempDirectory("second-refresher-it");
        upstream = RecordingHttpsProxy.start(
                Files.createDirectories(work.resolve("upstream")),
                system.provider.providerConfig().tokenUrl());
        betterCcflare = BetterCcflare.create(
                work.resolve("better-ccflare"),
                Map.of(
                        "HTTPS_PROXY",
                        upstream.url(),
                        "NODE_EXTRA_CA_CERTS",
                        upstream.caPem().toString()));
        apiKeyFile = work.resolve("admin-key");
        apiKey = betterCcflare.generateAdminKey("reauth-agent");
        Files.writeString(apiKeyFile, apiKey);
        betterCcflare.serve();
    }

    @AfterAll
    void stopBetterCcflare() throws IOException {
        if (betterCcflare != null) {
            betterCcflare.close();
        }
        if (upstream != null) {
            upstream.close();
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
            // the provider's access tokens last 20 minutes: within better-ccflare's 30 and reauth's 60-minute windows
            system.provider.refreshGrants().accessTokenLifetime(Duration.ofMinutes(20));
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
                // (rounds 11 s apart on reauth's clock: each round's hand-over is one adoption, and reauth takes
                // at most ADOPTIONS_PER_MINUTE = 6 per account a minute; better-ccflare refreshes on the real clock)
                system.clock.advance(Duration.ofSeconds(11));
                // WHEN a client's request goes through better-ccflare, which refreshes on its own first
                String before = column(proxyId, "refresh_token");
                int tokenCallsBefore = ownRefreshes().size();
                HttpResponse<String> served = send(round);
                assertThat(served.statusCode())
                        .as("round %d: %s", round, served.body())
                        .isEqualTo(200);
                await("round " + round + ": better-ccflare's own refresh stored")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> !column(proxyId, "refresh_token").equals(before));
                assertThat(ownRefreshes().size())
                        .as("round %d: better-ccflare's token requests", round)
                        .isGreaterThan(tokenCallsBefore);
                // AND reauth's scheduled refresh comes right after (the account is within its lead window)
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
                await("round " + round + ": reauth and better-ccflare in step")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> inStep(proxyId, reauthId));
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
            assertThat(verdict("bcf-race").path("state").asText())
                    .as("GET /accounts health")
                    .isEqualTo("healthy");
            // AND every refresh better-ccflare made came from its own code through the proxy, and was granted
            List<RecordingHttpsProxy.Request> own = ownRefreshes();
            assertThat(own).filteredOn(r -> r.status() == 200).hasSizeGreaterThanOrEqualTo(ROUNDS);
            assertThat(own).allSatisfy(r -> {
                assertThat(r.headers()).containsEntry("host", "platform.claude.com");
                assertThat(r.headers().get("content-type")).startsWith("application/json");
            });
            assertThat(Long.parseLong(item.get(Accounts.TOKEN_VERSION).n())).isGreaterThan(ROUNDS);
            long refusedFirst = summaries.stream()
                    .filter(s -> s.path("refreshed").asInt() == 0)
                    .count();
            System.out.printf(
                    "SecondRefresherIT: %d rounds, %d refreshes by better-ccflare itself; reauth refreshed from"
                            + " adopted tokens in %d, met a spent token (held, then settled by adoption) in %d%n",
                    ROUNDS, own.size(), ROUNDS - refusedFirst, refusedFirst);
        }
    }

    /** better-ccflare's own token requests, as the proxy forwarded them to the provider. */
    private List<RecordingHttpsProxy.Request> ownRefreshes() {
        return upstream.requests().stream()
                .filter(r -> r.host().equals("platform.claude.com")
                        && r.method().equals("POST")
                        && r.path().equals("/v1/oauth/token"))
                .toList();
    }

    /** One client request through better-ccflare (upstream, the proxy answers it). */
    private HttpResponse<String> send(int round) throws Exception {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(
                        HttpRequest.newBuilder(betterCcflare.url().resolve("/v1/messages"))
                                .header("Content-Type", "application/json")
                                .header("x-api-key", apiKey)
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,"
                                                + "\"messages\":[{\"role\":\"user\",\"content\":\"round " + round
                                                + "\"}]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** The account's health as GET /accounts gives it. */
    private JsonNode verdict(String name) {
        for (JsonNode account : ReauthSystem.json(system.listAccounts()).path("accounts")) {
            if (account.path("name").asText().equals(name)) {
                return account.path("health");
            }
        }
        throw new AssertionError("no account " + name + " in GET /accounts");
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
