package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.BetterCcflare;
import dev.reauth.local.LocalDeployment;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * reauth import better-ccflare in a terminal (tmux), from a database the REAL better-ccflare 3.5.4
 * created. Its accounts are added as its own commands leave them: a z.ai account through its own
 * {@code --add-account NAME --mode zai} (the key typed at its prompt); Claude OAuth accounts with the
 * row its {@code --add-account NAME --mode claude-oauth} writes (its OAuth login cannot complete
 * here: {@link BetterCcflare#addOAuthAccount}), one of them as it writes a login whose grant had no
 * refresh token (an empty refresh_token); a console account with the row its console login writes
 * (better-ccflare 3.5.4, OAuthFlow.createAccountWithApiKey: provider 'claude-console-api', the API
 * key, no tokens); and one name twice, which its schema allows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliImportIT {

    private static final Duration WAIT = CliTerminals.WAIT;

    private Path work;
    private BetterCcflare betterCcflare;
    private LocalDeployment imported;
    private LocalDeployment dryRun;
    private CliTerminals terminals;
    private final long expiresAt = Instant.now().plus(Duration.ofHours(6)).toEpochMilli();
    private final Map<String, String> secrets = new HashMap<>();

    @BeforeAll
    void start() throws Exception {
        LogCapture.install();
        work = Files.createTempDirectory("reauth-cli-import-");
        betterCcflare = BetterCcflare.create(work.resolve("better-ccflare"));
        imported = LocalDeployment.withLocalProvider(0, Map.of());
        // imp-work holds tokens the provider issued (its profile endpoint names their owner); the others made-up ones
        LocalOAuthProvider.IssuedTokens live = imported.provider().issueTokens(LocalOAuthProvider.Login.OWNER);
        addOAuth("imp-work", 3, live.accessToken(), live.refreshToken());
        addOAuth("imp-spare", 0, true);
        addOAuth("imp-half", 1, false);
        addOAuth("imp-twin", 0, true);
        addOAuth("imp-twin", 4, true);
        secrets.put("zai", "zai-key-" + UUID.randomUUID());
        assertThat(betterCcflare.cliWithInput(
                        secrets.get("zai") + "\n", "--add-account", "imp-glm", "--mode", "zai", "--priority", "2"))
                .contains("Account 'imp-glm' added successfully");
        secrets.put("console", "sk-ant-api03-" + UUID.randomUUID());
        betterCcflare.sql(
                "INSERT INTO accounts (id, name, provider, api_key, refresh_token, access_token, expires_at, created_at,"
                        + " request_count, total_requests, priority, custom_endpoint) VALUES (?, 'imp-console', 'claude-console-api', ?, NULL,"
                        + " NULL, NULL, ?, 0, 0, 1, NULL)",
                UUID.randomUUID().toString(),
                secrets.get("console"),
                System.currentTimeMillis());
        assertThat(betterCcflare.cli("--list")).contains("imp-work", "imp-glm", "imp-console");

        dryRun = LocalDeployment.withLocalProvider(0, Map.of());
        terminals = new CliTerminals(work);
    }

    private void addOAuth(String name, int priority, boolean withRefreshToken) {
        addOAuth(
                name,
                priority,
                "sk-ant-oat01-" + name + "-" + UUID.randomUUID(),
                withRefreshToken ? "sk-ant-ort01-" + name + "-" + UUID.randomUUID() : "");
    }

    private void addOAuth(String name, int priority, String access, String refresh) {
        boolean withRefreshToken = !refresh.isEmpty();
        betterCcflare.addOAuthAccount(name, priority, access, refresh, expiresAt);
        secrets.put(name + "/" + priority + ":access", access);
        if (withRefreshToken) {
            secrets.put(name + "/" + priority + ":refresh", refresh);
        }
    }

    @AfterAll
    void stop() throws Exception {
        SystemIT.assertNoSecretsLogged(Set.copyOf(secrets.values()));
        imported.close();
        dryRun.close();
        CliTerminals.remove(work);
    }

    @Test
    void import_takesTheClaudeAccountsWithTheirTokens_saysWhyNotTheRest_andASecondRunChangesNothing() throws Exception {
        String before = digest(betterCcflare.database());

        String screen;
        try (Tmux terminal = importInto(imported)) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            screen = terminal.screen();
        }

        assertThat(screen)
                .containsPattern("NAME\\s+MODE\\s+PRIORITY\\s+RESULT")
                .containsPattern(
                        "imp-console\\s+console\\s+1\\s+cannot take: an API key only, no OAuth tokens to keep alive")
                .containsPattern("imp-glm\\s+-\\s+2\\s+cannot take: provider 'zai' is not a Claude OAuth account")
                .containsPattern("imp-half\\s+max\\s+1\\s+cannot take: no refresh token")
                .containsPattern("imp-spare\\s+max\\s+0\\s+imported \\(unbound\\)")
                .containsPattern("imp-twin\\s+max\\s+0\\s+cannot take: the name is held by 2 better-ccflare accounts")
                .containsPattern("imp-twin\\s+max\\s+4\\s+cannot take: the name is held by 2 better-ccflare accounts")
                .containsPattern("imp-work\\s+max\\s+3\\s+imported(?! \\(unbound)")
                .contains("Summary: 2 imported, 0 already there, 5 cannot take");
        assertThat(secrets.values()).noneMatch(screen::contains);

        // reauth holds them now: name, mode, priority, and the tokens sealed under the account's encryption context
        Map<String, Map<String, AttributeValue>> accounts = accountsByName(imported);
        assertThat(accounts).containsOnlyKeys("imp-work", "imp-spare");
        Map<String, AttributeValue> work = accounts.get("imp-work");
        assertThat(work.get(Accounts.PRIORITY).n()).isEqualTo("3");
        assertThat(work.get(Accounts.MODE).s()).isEqualTo("max");
        assertThat(work.get(Accounts.EXPIRES_AT).n()).isEqualTo(Long.toString(expiresAt));
        assertThat(work.get(Accounts.TOKEN_VERSION).n()).isEqualTo("1");
        TokenBundle tokens = LocalLogins.tokens(imported, work.get(Accounts.ID).s());
        assertThat(tokens.accessToken()).isEqualTo(secrets.get("imp-work/3:access"));
        assertThat(tokens.refreshToken()).isEqualTo(secrets.get("imp-work/3:refresh"));
        // the provider's profile endpoint named imp-work's owner: bound from the start; imp-spare's it did not know
        assertThat(work.get(Accounts.PROVIDER_ACCOUNT_UUID).s())
                .isEqualTo(LocalOAuthProvider.Login.OWNER.accountUuid());
        assertThat(accounts.get("imp-spare")).doesNotContainKey(Accounts.PROVIDER_ACCOUNT_UUID);

        // again: every account is already there, and nothing in reauth moves
        try (Tmux terminal = importInto(imported)) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen())
                    .containsPattern("imp-work\\s+max\\s+3\\s+already there")
                    .containsPattern("imp-spare\\s+max\\s+0\\s+already there")
                    .contains("Summary: 0 imported, 2 already there, 5 cannot take");
        }
        assertThat(accountsByName(imported)).isEqualTo(accounts);
        assertThat(digest(betterCcflare.database()))
                .as("better-ccflare's database, byte for byte")
                .isEqualTo(before);
    }

    @Test
    void dryRun_sendsNothing_andSaysWhatAnImportWouldDo() throws Exception {
        try (Tmux terminal = terminals.cli(
                dryRun,
                Map.of(),
                "import",
                "better-ccflare",
                "--db",
                betterCcflare.database().toString(),
                "--dry-run")) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen())
                    .contains("Dry run (nothing is sent): the better-ccflare database")
                    .containsPattern("imp-work\\s+max\\s+3\\s+would import")
                    .containsPattern("imp-glm\\s+-\\s+2\\s+cannot take: provider 'zai'")
                    .contains("Summary (dry run, nothing sent): 2 would be imported, 0 already there, 5 cannot take");
        }
        assertThat(accountsByName(dryRun)).isEmpty();
    }

    private Tmux importInto(LocalDeployment deployment) {
        return terminals.cli(
                deployment,
                Map.of(),
                "import",
                "better-ccflare",
                "--db",
                betterCcflare.database().toString());
    }

    private static Map<String, Map<String, AttributeValue>> accountsByName(LocalDeployment deployment) {
        Map<String, Map<String, AttributeValue>> byName = new HashMap<>();
        deployment
                .aws()
                .dynamo()
                .scan(s -> s.tableName(deployment.aws().accountsTable()).consistentRead(true))
                .items()
                .forEach(item -> byName.put(item.get(Accounts.NAME).s(), item));
        return byName;
    }

    private static String digest(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
