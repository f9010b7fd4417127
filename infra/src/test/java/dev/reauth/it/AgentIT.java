package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.reauth.agent.AgentConfig;
import dev.reauth.agent.AgentRuntime;
import dev.reauth.agent.ProxyReloader;
import dev.reauth.agent.ReauthAgent;
import dev.reauth.agent.TokenAdopter;
import dev.reauth.local.BetterCcflare;
import dev.reauth.local.LocalApi;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundle;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The reauth-agent beside the REAL better-ccflare 3.5.4 (its npm package's binary, on a loopback
 * port, with a database it created itself in a temporary directory), on the emulator's stack:
 * re-authentications through reauth land in better-ccflare's database as its own re-authentication
 * writes them, and nothing else changes.
 *
 * <p>better-ccflare's OAuth login cannot complete here, so accounts get the row its
 * {@code --add-account NAME --mode claude-oauth --priority N} writes (see
 * {@link BetterCcflare#addOAuthAccount}). They are added after the server started, so its usage
 * poller (which polls the accounts present at start, and briefly un-pauses and re-pauses a paused
 * account as "manual" while doing so) leaves them alone.
 */
class AgentIT extends SystemIT {

    private Path work;
    private BetterCcflare betterCcflare;
    private Path apiKeyFile;
    private final AgentRecorder recorder = new AgentRecorder();

    @BeforeAll
    void startBetterCcflare() throws IOException {
        work = Files.createTempDirectory("agent-it");
        betterCcflare = BetterCcflare.create(work.resolve("better-ccflare"));
        apiKeyFile = work.resolve("admin-key");
        Files.writeString(apiKeyFile, betterCcflare.generateAdminKey("reauth-agent"));
        betterCcflare.serve();
        // the local provider's first token exchange is slow (it makes its signing key); under load it can pass
        // the handlers' 2 s timeout, so one unmapped account takes that first exchange
        system.seedAccount("agent-warm-up", Map.of());
        for (int attempt = 0; attempt < 3; attempt++) {
            if (system.pasteCode(system.startAndLogIn("agent-warm-up").pasted()).getStatusCode() == 200) {
                break;
            }
        }
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

    // ---- tests

    @Test
    void reauthentication_landsInBetterCcflaresDatabase_changingOnlyTokensAndExpiry_andReloadsTheAccount()
            throws Exception {
        // GIVEN an account in better-ccflare as --add-account left it, then used: statistics and request history
        String proxyId =
                betterCcflare.addOAuthAccount("bcf-work", 3, "old-access", "old-refresh", in(Duration.ofHours(2)));
        long lastUsed = System.currentTimeMillis() - 60_000;
        betterCcflare.sql(
                "UPDATE accounts SET request_count = 42, total_requests = 4242, last_used = ?, session_start = ?,"
                        + " session_request_count = 7, rate_limit_status = 'allowed', rate_limit_remaining = 90, rate_limit_reset = ?,"
                        + " auto_fallback_enabled = 1, model_mappings = '{\"opus\":\"sonnet\"}' WHERE id = ?",
                lastUsed,
                lastUsed - 3_600_000,
                lastUsed + 3_600_000,
                proxyId);
        for (int i = 0; i < 3; i++) {
            betterCcflare.sql(
                    "INSERT INTO requests (id, timestamp, method, path, account_used, status_code, success, response_time_ms,"
                            + " model, input_tokens, output_tokens, total_tokens, cost_usd) VALUES (?, ?, 'POST', '/v1/messages', ?, 200, 1, 812,"
                            + " 'claude-sonnet-4-5', 120, 48, 168, 0.0031)",
                    UUID.randomUUID().toString(),
                    lastUsed - i * 1000L,
                    proxyId);
        }
        String reauthId = system.seedAccount("bcf-work", Map.of());
        Map<String, String> rowBefore = SqliteRows.row(betterCcflare.database(), "accounts", proxyId);
        String historyBefore = SqliteRows.table(betterCcflare.database(), "requests");

        try (AgentRuntime agent = startAgent(Map.of())) {
            // WHEN the account is re-authenticated through reauth
            long version = rotate("bcf-work");

            // THEN better-ccflare's row holds the new tokens and expiry, and its reload endpoint answered success
            ProxyReloader.Outcome reload = recorder.awaitApplied("bcf-work", version);
            TokenBundle tokens = system.decryptTokens(reauthId, system.account(reauthId));
            long expiresAt = Long.parseLong(
                    system.account(reauthId).get(Accounts.EXPIRES_AT).n());
            Map<String, String> rowAfter = SqliteRows.row(betterCcflare.database(), "accounts", proxyId);
            assertThat(rowAfter.get("access_token")).isEqualTo(SqliteRows.quote(tokens.accessToken()));
            assertThat(rowAfter.get("refresh_token")).isEqualTo(SqliteRows.quote(tokens.refreshToken()));
            assertThat(rowAfter.get("expires_at")).isEqualTo(Long.toString(expiresAt));
            assertThat(Long.parseLong(rowAfter.get("refresh_token_issued_at")))
                    .isGreaterThan(Long.parseLong(rowBefore.get("refresh_token_issued_at")));
            assertThat(SqliteRows.without(rowAfter, SqliteRows.TOKEN_COLUMNS))
                    .as("every other column, byte for byte")
                    .isEqualTo(SqliteRows.without(rowBefore, SqliteRows.TOKEN_COLUMNS))
                    .containsEntry("priority", "3")
                    .containsEntry("request_count", "42")
                    .containsEntry("total_requests", "4242");
            assertThat(SqliteRows.table(betterCcflare.database(), "requests"))
                    .as("request history")
                    .isEqualTo(historyBefore);
            assertThat(reload.success()).isTrue();
            assertThat(reload.status()).isEqualTo(200);
            assertThat(betterCcflare.logLines())
                    .anyMatch(line -> line.contains("Token reload triggered for account 'bcf-work'"));

            // AND better-ccflare itself still lists the account, with its priority
            assertThat(betterCcflare.cli("--list")).contains("bcf-work (claude-oauth mode, priority 3)");
        }
    }

    @Test
    void anAgentStoppedDuringARotation_catchesUpOnRestart() throws Exception {
        // GIVEN the agent (its jar, as a process) applied version 1
        String proxyId =
                betterCcflare.addOAuthAccount("bcf-late", 0, "old-access", "old-refresh", in(Duration.ofHours(2)));
        String reauthId = system.seedAccount("bcf-late", Map.of());
        Path state = work.resolve("late-state.json");
        AgentProcess first = AgentProcess.start(agentEnvironment(state, Map.of()), work.resolve("late-1.log"));
        long v1 = rotate("bcf-late");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> accessTokenIn(proxyId).equals(accessTokenOf(reauthId)));

        // WHEN it is killed, the account is re-authenticated meanwhile, and it starts again on a new, empty queue
        first.kill();
        long v2 = rotate("bcf-late");
        assertThat(accessTokenIn(proxyId)).isNotEqualTo(accessTokenOf(reauthId));
        AgentProcess second = AgentProcess.start(agentEnvironment(state, Map.of()), work.resolve("late-2.log"));
        try {
            // THEN on start it applies what it missed (the new queue never carried that message)
            assertThat(second.log()).contains("account bcf-late: token_version " + v2 + " written to the proxy");
            assertThat(accessTokenIn(proxyId)).isEqualTo(accessTokenOf(reauthId));
            assertThat(v2).isEqualTo(v1 + 1);
            assertThat(Files.readString(state)).contains("\"appliedVersion\" : " + v2);
            SystemIT.assertNoSecretsLogged(system.secrets());
            assertThat(first.log() + second.log()).doesNotContain(accessTokenOf(reauthId));
        } finally {
            second.kill();
        }
    }

    @Test
    void reauthRequired_pausesTheAccountInBetterCcflare_andTheNextRotationUnpausesIt() throws Exception {
        // GIVEN an account the agent keeps
        String proxyId =
                betterCcflare.addOAuthAccount("bcf-dead", 1, "old-access", "old-refresh", in(Duration.ofHours(2)));
        String reauthId = system.seedAccount("bcf-dead", Map.of());
        try (AgentRuntime agent = startAgent(Map.of())) {
            long v1 = rotate("bcf-dead");
            recorder.awaitApplied("bcf-dead", v1);

            // WHEN its refresh token dies at the provider and a refresh meets invalid_grant: reauth marks the account
            // in the table and announces it (account.reauth.required) itself
            system.provider
                    .refreshGrants()
                    .revoke(system.decryptTokens(reauthId, system.account(reauthId))
                            .refreshToken());
            LambdaResponse refused = system.refreshNow(reauthId, v1);
            assertThat(system.account(reauthId).get(Accounts.REQUIRES_REAUTH).bool())
                    .as(refused.getBody())
                    .isTrue();

            // THEN better-ccflare holds it paused, as its own pause does (paused, pause_reason)
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> SqliteRows.row(betterCcflare.database(), "accounts", proxyId)
                            .get("paused")
                            .equals("1"));
            assertThat(SqliteRows.row(betterCcflare.database(), "accounts", proxyId))
                    .containsEntry("pause_reason", "'reauth_required'");
            assertThat(statsOf("bcf-dead").path("paused").asBoolean()).isTrue();

            // WHEN it is re-authenticated, THEN it is un-paused with the new tokens
            long v2 = rotate("bcf-dead");
            recorder.awaitApplied("bcf-dead", v2);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> SqliteRows.row(betterCcflare.database(), "accounts", proxyId)
                            .get("paused")
                            .equals("0"));
            assertThat(SqliteRows.row(betterCcflare.database(), "accounts", proxyId))
                    .containsEntry("pause_reason", "NULL");
            assertThat(statsOf("bcf-dead").path("paused").asBoolean()).isFalse();
            assertThat(accessTokenIn(proxyId)).isEqualTo(accessTokenOf(reauthId));
        }
    }

    @Test
    void aRefreshTokenBetterCcflareWroteItself_reachesReauthsAccountsTable_andRaisesTheAlert() throws Exception {
        // GIVEN the agent applied version 1, and reauth's API on loopback (its adoption route included)
        String proxyId =
                betterCcflare.addOAuthAccount("bcf-second", 0, "old-access", "old-refresh", in(Duration.ofHours(2)));
        String reauthId = system.seedAccount("bcf-second", Map.of());
        try (LocalApi api = LocalApi.start(system.api, 0);
                AgentRuntime agent = startAgent(
                        Map.of("REAUTH_API_URL", api.baseUrl().toString(), "AGENT_FOREIGN_CHECK_INTERVAL", "PT0.5S"))) {
            long v1 = rotate("bcf-second");
            recorder.awaitApplied("bcf-second", v1);

            // WHEN better-ccflare refreshes on its own (its AccountRepository.updateTokens statement), getting
            // live tokens of the account's provider identity (reauth checks them at the profile endpoint)
            LocalOAuthProvider.IssuedTokens own = system.provider.issueTokens(LocalOAuthProvider.Login.OWNER);
            long expires = in(Duration.ofHours(8));
            betterCcflare.sql(
                    "UPDATE accounts SET access_token = ?, expires_at = ?, refresh_token = ?, refresh_token_issued_at = ? WHERE id = ?",
                    own.accessToken(),
                    expires,
                    own.refreshToken(),
                    System.currentTimeMillis(),
                    proxyId);

            // THEN the agent notices and hands those tokens to reauth, which adopts them on the version it applied
            await().atMost(Duration.ofSeconds(20)).until(() -> recorder.foreign("bcf-second") != null);
            assertThat(recorder.foreign("bcf-second")).isEqualTo(new TokenAdopter.Outcome.Adopted(v1 + 1));
            Map<String, AttributeValue> adopted = system.account(reauthId);
            assertThat(adopted.get(Accounts.TOKEN_VERSION).n()).isEqualTo(Long.toString(v1 + 1));
            assertThat(adopted.get(Accounts.EXPIRES_AT).n()).isEqualTo(Long.toString(expires));
            TokenBundle held = system.decryptTokens(reauthId, adopted);
            assertThat(held.accessToken()).isEqualTo(own.accessToken());
            assertThat(held.refreshToken()).isEqualTo(own.refreshToken());
            // and a person hears that the proxy is a second refresher
            assertThat(system.alerts(Duration.ofSeconds(5)))
                    .anySatisfy(alert -> assertThat(alert.path("kind").asText()).isEqualTo("second_refresher"));
        }
    }

    @Test
    void fileSink_aReaderPollingInALoop_neverSeesAHalfWrittenFile() throws Exception {
        // GIVEN a credential file a proxy hot-reloads, with a field of its own
        Path credentials = Files.createDirectories(work.resolve("credentials"));
        Path file = credentials.resolve("files-work.json");
        Files.writeString(
                file, "{\"access_token\":\"seed\",\"refresh_token\":\"seed\",\"expires_at\":0,\"label\":\"kept\"}");
        String reauthId = system.seedAccount("files-work", Map.of());
        FileReader reader = FileReader.start(file);
        try (AgentRuntime agent =
                startAgent(Map.of("AGENT_PROXY", "json-files", "AGENT_CREDENTIALS_DIR", credentials.toString()))) {
            // WHEN it is re-authenticated five times while a reader polls the file
            for (int i = 0; i < 5; i++) {
                long version = rotate("files-work");
                recorder.awaitApplied("files-work", version);
                assertThat(ReauthSystem.JSON
                                .readTree(file.toFile())
                                .path("access_token")
                                .asText())
                        .isEqualTo(accessTokenOf(reauthId));
            }
        } finally {
            reader.stop();
        }
        // THEN every read found a whole file: all fields, parseable, the proxy's own field kept
        assertThat(reader.bad())
                .as("reads that found a missing, partial or unparseable file")
                .isEmpty();
        assertThat(reader.reads()).isGreaterThan(100);
        assertThat(reader.distinctAccessTokens()).isGreaterThanOrEqualTo(5);
        JsonNode last = ReauthSystem.JSON.readTree(file.toFile());
        assertThat(last.path("label").asText()).isEqualTo("kept");
        assertThat(last.path("expires_at").asLong())
                .isEqualTo(Long.parseLong(
                        system.account(reauthId).get(Accounts.EXPIRES_AT).n()));
    }

    @Test
    void betterCcflare_forwardsAClientsRequestUpstream_withTheNewAccessToken() throws Exception {
        // GIVEN a better-ccflare of its own whose upstream traffic goes through a recording HTTPS proxy
        // (its HTTPS_PROXY support; the proxy's test CA trusted through NODE_EXTRA_CA_CERTS), holding one account
        try (RecordingHttpsProxy upstream =
                        RecordingHttpsProxy.start(Files.createDirectories(work.resolve("upstream")));
                BetterCcflare proxy = BetterCcflare.create(
                        work.resolve("better-ccflare-upstream"),
                        Map.of(
                                "HTTPS_PROXY",
                                upstream.url(),
                                "NODE_EXTRA_CA_CERTS",
                                upstream.caPem().toString()))) {
            String key = proxy.generateAdminKey("reauth-agent");
            Path keyFile = work.resolve("upstream-admin-key");
            Files.writeString(keyFile, key);
            proxy.serve();
            proxy.addOAuthAccount("up-work", 0, "old-access", "old-refresh", in(Duration.ofHours(2)));
            String reauthId = system.seedAccount("up-work", Map.of());
            Map<String, String> env = agentEnvironment(
                    work.resolve("state-upstream.json"),
                    Map.of(
                            "BETTER_CCFLARE_DB_PATH",
                            proxy.database().toString(),
                            "BETTER_CCFLARE_URL",
                            proxy.url().toString(),
                            "BETTER_CCFLARE_API_KEY_FILE",
                            keyFile.toString()));
            try (AgentRuntime agent = AgentRuntime.start(
                    AgentConfig.from(env),
                    system.aws.dynamo(),
                    system.aws.kms(),
                    system.aws.sqs(),
                    system.aws.sns(),
                    recorder)) {
                // WHEN the account is re-authenticated through reauth, and a client sends a request through
                // better-ccflare
                long version = rotate("up-work");
                recorder.awaitApplied("up-work", version);
                var http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
                var answer = http.send(
                        HttpRequest.newBuilder(proxy.url().resolve("/v1/messages"))
                                .header("Content-Type", "application/json")
                                .header("x-api-key", key)
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

                // THEN it went upstream with reauth's new access token, and the client got the upstream's answer
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).contains("msg_test");
                List<RecordingHttpsProxy.Request> messages = upstream.requests().stream()
                        .filter(r -> r.method().equals("POST") && r.path().startsWith("/v1/messages"))
                        .toList();
                assertThat(messages).hasSize(1);
                assertThat(messages.getFirst().headers())
                        .containsEntry("authorization", "Bearer " + accessTokenOf(reauthId))
                        .containsEntry("host", "api.anthropic.com");
            }
        }
    }

    @Test
    void aReloadThatFailsAfterTheWrite_isRetriedUntilBetterCcflareTakesIt() throws Exception {
        // GIVEN better-ccflare's admin API behind a loopback forwarder that refuses the first two reloads
        String proxyId =
                betterCcflare.addOAuthAccount("bcf-reload", 0, "old-access", "old-refresh", in(Duration.ofHours(2)));
        system.seedAccount("bcf-reload", Map.of());
        AtomicInteger refused = new AtomicInteger();
        HttpServer flaky = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        flaky.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                if (refused.get() < 2) {
                    refused.incrementAndGet();
                    exchange.sendResponseHeaders(503, -1);
                    return;
                }
                HttpRequest.Builder forward = HttpRequest.newBuilder(betterCcflare
                                .url()
                                .resolve(exchange.getRequestURI().getPath()))
                        .POST(HttpRequest.BodyPublishers.noBody());
                String key = exchange.getRequestHeaders().getFirst("x-api-key");
                if (key != null) {
                    forward.header("x-api-key", key);
                }
                HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(answer.statusCode(), answer.body().length);
                exchange.getResponseBody().write(answer.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        flaky.start();
        // a recorder of its own: agents of other tests catch this account up too, reloading it directly
        AgentRecorder own = new AgentRecorder();
        try (AgentRuntime agent = AgentRuntime.start(
                AgentConfig.from(agentEnvironment(
                        work.resolve("state-" + UUID.randomUUID() + ".json"),
                        Map.of(
                                "BETTER_CCFLARE_URL",
                                "http://127.0.0.1:" + flaky.getAddress().getPort()))),
                system.aws.dynamo(),
                system.aws.kms(),
                system.aws.sqs(),
                system.aws.sns(),
                own)) {
            // WHEN the account is re-authenticated: the write lands, the reload is refused
            long version = rotate("bcf-reload");
            ProxyReloader.Outcome first = own.awaitApplied("bcf-reload", version);
            assertThat(first.success()).isFalse();
            assertThat(first.status()).isEqualTo(503);

            // THEN the agent tries again until better-ccflare reloads the account
            await().atMost(Duration.ofSeconds(30)).until(() -> own.reloadRetried("bcf-reload", version));
            assertThat(refused).hasValue(2);
            assertThat(betterCcflare.logLines())
                    .anyMatch(line -> line.contains("Token reload triggered for account 'bcf-reload'"));
            assertThat(accessTokenIn(proxyId)).isNotEqualTo("old-access");
        } finally {
            flaky.stop(0);
        }
    }

    // ---- helpers

    private long rotate(String name) {
        LambdaResponse done = system.pasteCode(system.startAndLogIn(name).pasted());
        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        return ReauthSystem.json(done).path("tokenVersion").asLong();
    }

    private AgentRuntime startAgent(Map<String, String> extra) {
        Map<String, String> env = agentEnvironment(work.resolve("state-" + UUID.randomUUID() + ".json"), extra);
        PrincipalClients agentRole = PrincipalClients.of(system.aws, PrincipalClients.AGENT);
        return AgentRuntime.start(
                AgentConfig.from(env), agentRole.dynamo(), agentRole.kms(), agentRole.sqs(), agentRole.sns(), recorder);
    }

    private Map<String, String> agentEnvironment(Path stateFile, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", work.toString());
        env.put("ACCOUNTS_TABLE", system.aws.accountsTable());
        env.put("TOKEN_EVENTS_TOPIC_ARN", system.aws.topicArn());
        env.put(
                "AGENT_QUEUE_NAME",
                "reauth-agent-" + UUID.randomUUID().toString().substring(0, 8));
        env.put("AGENT_STATE_FILE", stateFile.toString());
        env.put("BETTER_CCFLARE_DB_PATH", betterCcflare.database().toString());
        env.put("BETTER_CCFLARE_URL", betterCcflare.url().toString());
        env.put("BETTER_CCFLARE_API_KEY_FILE", apiKeyFile.toString());
        env.put("AWS_ENDPOINT_URL", system.aws.endpoint().toString());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.putAll(extra);
        return env;
    }

    private String accessTokenIn(String proxyId) throws Exception {
        String quoted =
                SqliteRows.row(betterCcflare.database(), "accounts", proxyId).get("access_token");
        return quoted.substring(1, quoted.length() - 1);
    }

    private String accessTokenOf(String reauthId) {
        return system.decryptTokens(reauthId, system.account(reauthId)).accessToken();
    }

    private JsonNode statsOf(String name) throws IOException {
        String out = betterCcflare.cli("--stats");
        JsonNode stats = ReauthSystem.JSON.readTree(out.substring(out.indexOf("{\n")));
        for (JsonNode account : stats.path("accounts")) {
            if (account.path("name").asText().equals(name)) {
                return account;
            }
        }
        throw new AssertionError("better-ccflare --stats does not list " + name);
    }

    private static long in(Duration duration) {
        return System.currentTimeMillis() + duration.toMillis();
    }

    /** What the agent reported doing, to wait on. */
    static final class AgentRecorder implements ReauthAgent.Listener {
        private final Map<String, ProxyReloader.Outcome> applied = new ConcurrentHashMap<>();
        private final Map<String, Object> foreign = new ConcurrentHashMap<>();
        private final Map<String, Boolean> reloadRetried = new ConcurrentHashMap<>();

        @Override
        public void reloadRetried(String accountId, String name, long tokenVersion) {
            reloadRetried.put(name + "@" + tokenVersion, true);
        }

        boolean reloadRetried(String name, long version) {
            return reloadRetried.containsKey(name + "@" + version);
        }

        @Override
        public void applied(String accountId, String name, long tokenVersion, ProxyReloader.Outcome reload) {
            applied.put(name + "@" + tokenVersion, reload);
        }

        @Override
        public void foreignTokens(String accountId, String name, TokenAdopter.Outcome outcome) {
            foreign.put(name, outcome);
        }

        ProxyReloader.Outcome awaitApplied(String name, long version) {
            await().atMost(Duration.ofSeconds(30)).until(() -> applied.containsKey(name + "@" + version));
            return applied.get(name + "@" + version);
        }

        Object foreign(String name) {
            return foreign.get(name);
        }
    }

    static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
