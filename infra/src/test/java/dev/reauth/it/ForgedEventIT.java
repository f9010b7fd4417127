package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reauth.agent.AgentConfig;
import dev.reauth.agent.AgentRuntime;
import dev.reauth.agent.ProxyReloader;
import dev.reauth.agent.ReauthAgent;
import dev.reauth.fleet.DynamoAccountTokensReader;
import dev.reauth.fleet.KmsTokenDecryptor;
import dev.reauth.fleet.SqsSubscriber;
import dev.reauth.fleet.TokenSource;
import dev.reauth.local.BetterCcflare;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Attack test (issue 19, M-3): events published to the fleet topic by someone other than the stack
 * (the emulator enforces no topic policy, so the test can) reach the REAL better-ccflare 3.5.4's
 * reauth-agent and a fleet library server over SQS, as the topic delivers them. An event whose id
 * and name do not belong together, one with a token_version the table does not have, and a
 * "reauth required" for a healthy account change nothing in better-ccflare's database and do not
 * raise the fleet library's version floor; each is refused and counted. Genuine events still land.
 */
class ForgedEventIT extends SystemIT {

    private Path work;
    private BetterCcflare betterCcflare;
    private AgentRuntime agent;
    private TokenSource fleetServer;
    private SqsSubscriber fleetSubscription;
    private final Recorder recorder = new Recorder();

    /** In reauth and in the proxy: the slot a forgery aims at. */
    private String personalId;

    private String personalProxyId;
    /** In reauth only (the proxy does not hold it): the tokens a forgery would plant in the personal slot. */
    private String otherId;

    @BeforeAll
    void proxyAndFleetServerFollowTheTopic() throws IOException {
        work = Files.createTempDirectory("forged-event-it");
        betterCcflare = BetterCcflare.create(work.resolve("better-ccflare"));
        Path apiKeyFile = work.resolve("admin-key");
        Files.writeString(apiKeyFile, betterCcflare.generateAdminKey("reauth-agent"));
        betterCcflare.serve();
        personalProxyId = betterCcflare.addOAuthAccount(
                "forge-personal", 2, "personal-access", "personal-refresh", in(Duration.ofHours(2)));
        personalId = system.seedAccount("forge-personal", Map.of());
        otherId = system.seedAccount("forge-other", Map.of());
        // the local provider's first token exchange is slow (it makes its signing key); under load it can pass the
        // handlers' 2 s timeout, so the account the proxy does not hold takes that first exchange
        for (int attempt = 0; attempt < 3; attempt++) {
            if (system.pasteCode(system.startAndLogIn("forge-other").pasted()).getStatusCode() == 200) {
                break;
            }
        }
        assertThat(system.account(otherId)).containsKey(Accounts.TOKEN_CIPHERTEXT);

        Map<String, String> env = new HashMap<>();
        env.put("HOME", work.toString());
        env.put("ACCOUNTS_TABLE", system.aws.accountsTable());
        env.put("TOKEN_EVENTS_TOPIC_ARN", system.aws.topicArn());
        env.put("AGENT_QUEUE_NAME", "forged-" + UUID.randomUUID().toString().substring(0, 8));
        env.put("AGENT_STATE_FILE", work.resolve("state.json").toString());
        env.put("BETTER_CCFLARE_DB_PATH", betterCcflare.database().toString());
        env.put("BETTER_CCFLARE_URL", betterCcflare.url().toString());
        env.put("BETTER_CCFLARE_API_KEY_FILE", apiKeyFile.toString());
        env.put("AWS_ENDPOINT_URL", system.aws.endpoint().toString());
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        agent = AgentRuntime.start(
                AgentConfig.from(env),
                system.aws.dynamo(),
                system.aws.kms(),
                system.aws.sqs(),
                system.aws.sns(),
                recorder);

        fleetServer = new TokenSource(
                new DynamoAccountTokensReader(system.aws.dynamo(), system.aws.accountsTable()),
                new KmsTokenDecryptor(system.aws.kms()),
                Clock.systemUTC(),
                Duration.ofMinutes(5));
        fleetServer.onReauthRequired((id, version, reason) -> recorder.fleetStopped.add(id));
        fleetServer.onFlush((id, version) -> recorder.fleetFlushed.add(id));
        String queue = SqsSubscriber.subscribeQueue(
                system.aws.sqs(),
                system.aws.sns(),
                system.aws.topicArn(),
                "forged-fleet-" + UUID.randomUUID().toString().substring(0, 8));
        fleetSubscription = SqsSubscriber.start(system.aws.sqs(), queue, fleetServer);

        // the personal account is re-authenticated through reauth: the agent applies it, the fleet server caches it
        long version = rotate("forge-personal");
        recorder.awaitApplied("forge-personal", version);
        assertThat(fingerprint(fleetServer.accessToken(personalId))).isEqualTo(fingerprint(accessTokenOf(personalId)));
    }

    @AfterAll
    void stopEverything() throws IOException {
        if (fleetSubscription != null) {
            fleetSubscription.close();
        }
        if (agent != null) {
            agent.close();
        }
        if (betterCcflare != null) {
            betterCcflare.close();
        }
        try (var files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void aRotationPairingAnotherAccountsIdWithTheSlotsName_leavesBetterCcflaresRowAsItWas() throws Exception {
        // GIVEN the personal slot as the agent left it
        Map<String, String> rowBefore = personalRow();
        long fleetRefusalsBefore = fleetServer.refusedEvents();

        // WHEN a forged rotation says the other account's id belongs to the name "forge-personal"
        long otherVersion = Long.parseLong(
                system.account(otherId).get(Accounts.TOKEN_VERSION).n());
        publish(TokenEvent.TOKENS_ROTATED, otherId, "forge-personal", otherVersion, null);

        // THEN (once the agent and the fleet server settled it: refused, or acted on) the personal slot holds its
        // own tokens, byte for byte, the fleet server flushed nothing, and both refused it
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        !recorder.refusals(otherId).isEmpty() || !personalRow().equals(rowBefore));
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        fleetServer.refusedEvents() > fleetRefusalsBefore || recorder.fleetFlushed.contains(otherId));
        assertThat(personalRow()).isEqualTo(rowBefore);
        assertThat(fingerprint(accessTokenIn(personalProxyId)))
                .isEqualTo(fingerprint(accessTokenOf(personalId)))
                .isNotEqualTo(fingerprint(accessTokenOf(otherId)));
        assertThat(recorder.fleetFlushed).doesNotContain(otherId);
        assertThat(recorder.refusals(otherId))
                .containsExactly("the accounts table names that account 'forge-other', not 'forge-personal'");

        // AND a genuine rotation after it still lands
        long version = rotate("forge-personal");
        recorder.awaitApplied("forge-personal", version);
        assertThat(fingerprint(accessTokenIn(personalProxyId))).isEqualTo(fingerprint(accessTokenOf(personalId)));
    }

    @Test
    void aVersionTheTableDoesNotHave_changesNothing_andDoesNotRaiseTheFleetsFloor() throws Exception {
        // GIVEN
        Map<String, String> rowBefore = personalRow();
        long tableVersion = Long.parseLong(
                system.account(personalId).get(Accounts.TOKEN_VERSION).n());
        long fleetRefusalsBefore = fleetServer.refusedEvents();
        int agentRefusalsBefore = recorder.refusals(personalId).size();

        // WHEN a forged rotation names the right pair with a version far ahead of the table
        publish(TokenEvent.TOKENS_ROTATED, personalId, "forge-personal", tableVersion + 1_000_000, null);

        // THEN (once the fleet server settled it) its floor stays at or below the table's version, and it serves
        // the table's token from its cache
        await().atMost(Duration.ofSeconds(20))
                .until(() -> fleetServer.refusedEvents() > fleetRefusalsBefore
                        || fleetServer.versionFloor(personalId) > tableVersion);
        assertThat(fleetServer.versionFloor(personalId)).isLessThanOrEqualTo(tableVersion);
        assertThat(fingerprint(fleetServer.accessToken(personalId))).isEqualTo(fingerprint(accessTokenOf(personalId)));
        assertThat(fleetServer.cachedVersion(personalId)).isEqualTo(tableVersion);
        // AND the agent refused it: better-ccflare's row is as it was
        await().atMost(Duration.ofSeconds(20))
                .until(() -> recorder.refusals(personalId).size() > agentRefusalsBefore
                        || !personalRow().equals(rowBefore));
        assertThat(personalRow()).isEqualTo(rowBefore);
        assertThat(recorder.refusals(personalId).getLast())
                .isEqualTo("token_version " + (tableVersion + 1_000_000) + " does not exist (the accounts table has "
                        + tableVersion + ")");
    }

    @Test
    void aReauthRequiredForAHealthyAccount_pausesNothing() throws Exception {
        // GIVEN a healthy account (the table does not mark it), unpaused in better-ccflare
        Map<String, String> rowBefore = personalRow();
        assertThat(rowBefore).containsEntry("paused", "0");
        long tableVersion = Long.parseLong(
                system.account(personalId).get(Accounts.TOKEN_VERSION).n());
        long fleetRefusalsBefore = fleetServer.refusedEvents();
        int agentRefusalsBefore = recorder.refusals(personalId).size();

        // WHEN a forged "reauth required" names it, pair and version right
        publish(TokenEvent.REAUTH_REQUIRED, personalId, "forge-personal", tableVersion, "invalid_grant");

        // THEN (once both settled it) neither paused it: better-ccflare's row is as it was, and the fleet server
        // still serves it
        await().atMost(Duration.ofSeconds(20))
                .until(() -> recorder.refusals(personalId).size() > agentRefusalsBefore
                        || "1".equals(personalRow().get("paused")));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> fleetServer.refusedEvents() > fleetRefusalsBefore
                        || recorder.fleetStopped.contains(personalId));
        assertThat(personalRow()).isEqualTo(rowBefore);
        assertThat(recorder.paused).doesNotContain(personalId);
        assertThat(recorder.fleetStopped).doesNotContain(personalId);
        assertThat(fingerprint(fleetServer.accessToken(personalId))).isEqualTo(fingerprint(accessTokenOf(personalId)));
        assertThat(recorder.refusals(personalId).getLast())
                .isEqualTo("the accounts table does not mark the account as requiring re-authentication");
    }

    // ---- helpers

    /** Publishes as anyone holding sns:Publish on the topic could: the documented body and attributes. */
    private void publish(String type, String accountId, String name, long version, String reason) {
        var body = ReauthSystem.JSON
                .createObjectNode()
                .put("type", type)
                .put("accountId", accountId)
                .put("accountName", name)
                .put("tokenVersion", version)
                .put("occurredAt", Instant.now().toString());
        if (reason != null) {
            body.put("reason", reason);
        }
        system.aws
                .sns()
                .publish(p -> p.topicArn(system.aws.topicArn())
                        .message(body.toString())
                        .messageAttributes(Map.of(
                                TokenEvent.ATTRIBUTE_EVENT_TYPE, attribute(type),
                                TokenEvent.ATTRIBUTE_ACCOUNT_ID, attribute(accountId))));
    }

    private static MessageAttributeValue attribute(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }

    private long rotate(String name) {
        LambdaResponse done = system.pasteCode(system.startAndLogIn(name).pasted());
        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        return ReauthSystem.json(done).path("tokenVersion").asLong();
    }

    /** The personal slot's row, its credentials as fingerprints: an assertion message shows no token. */
    private Map<String, String> personalRow() throws Exception {
        Map<String, String> row = new TreeMap<>(SqliteRows.row(betterCcflare.database(), "accounts", personalProxyId));
        for (String secret : List.of("access_token", "refresh_token", "api_key")) {
            row.computeIfPresent(secret, (column, value) -> fingerprint(value));
        }
        return row;
    }

    /** A short SHA-256 of a credential: equal for equal credentials, and safe to print. */
    private static String fingerprint(String secret) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String accessTokenIn(String proxyId) throws Exception {
        String quoted =
                SqliteRows.row(betterCcflare.database(), "accounts", proxyId).get("access_token");
        return quoted.substring(1, quoted.length() - 1);
    }

    private String accessTokenOf(String reauthId) {
        return system.decryptTokens(reauthId, system.account(reauthId)).accessToken();
    }

    private static long in(Duration duration) {
        return System.currentTimeMillis() + duration.toMillis();
    }

    /** What the agent and the fleet server reported, to wait on. */
    static final class Recorder implements ReauthAgent.Listener {
        private final Map<String, Boolean> applied = new ConcurrentHashMap<>();
        private final Map<String, List<String>> refused = new ConcurrentHashMap<>();
        final List<String> paused = new CopyOnWriteArrayList<>();
        final List<String> fleetStopped = new CopyOnWriteArrayList<>();
        final List<String> fleetFlushed = new CopyOnWriteArrayList<>();

        @Override
        public void applied(String accountId, String name, long tokenVersion, ProxyReloader.Outcome reload) {
            applied.put(name + "@" + tokenVersion, true);
        }

        @Override
        public void paused(String accountId, String name) {
            paused.add(accountId);
        }

        @Override
        public void refused(TokenEvent event, String why) {
            refused.computeIfAbsent(event.accountId(), id -> new CopyOnWriteArrayList<>())
                    .add(why);
        }

        void awaitApplied(String name, long version) {
            await().atMost(Duration.ofSeconds(30)).until(() -> applied.containsKey(name + "@" + version));
        }

        void awaitRefused(String accountId) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> !refusals(accountId).isEmpty());
        }

        List<String> refusals(String accountId) {
            return refused.getOrDefault(accountId, List.of());
        }
    }
}
