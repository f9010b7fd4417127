package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.wire.Schema.Accounts;
import dev.reauth.local.LocalDeployment;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.local.ProjectFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The operator CLI as a person uses it: the launcher in a terminal (tmux), a browser that receives
 * the authorization URL, a login at the local provider, and the code#state typed at the prompt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private LocalDeployment local;
    private LocalDeployment shortSessions;
    private LocalDeployment bulk;
    private Path work;

    @BeforeAll
    void start() throws IOException {
        LogCapture.install();
        local = LocalDeployment.withLocalProvider(0, Map.of());
        shortSessions = LocalDeployment.withLocalProvider(0, Map.of("SESSION_TTL", "PT3S"));
        bulk = LocalDeployment.withLocalProvider(0, Map.of());
        work = Files.createTempDirectory("reauth-cli-it-");
    }

    @AfterAll
    void stop() {
        SystemIT.assertNoSecretsLogged(local.provider().secretsSeen());
        local.close();
        shortSessions.close();
        bulk.close();
    }

    @Test
    void reauthenticate_opensTheBrowser_takesThePastedCode_andSaysTheCacheWasCleared() throws Exception {
        seed(local, "cli-ok", Map.of());
        Path urlFile = work.resolve("url-ok");
        try (Tmux terminal = cli(local, browserRecordingTo(urlFile), "--reauthenticate", "cli-ok")) {
            LocalOAuthProvider.Authorization login = local.provider().authorize(awaitUrl(urlFile));
            terminal.await("Paste the authorization code \\(code#state\\): $", WAIT);

            terminal.typeLine(login.pasted());

            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(lines(terminal.screen())).containsSubsequence(
                    "Re-authenticating account: cli-ok",
                    "Opening browser for OAuth authorization...",
                    "Account 'cli-ok' has been successfully re-authenticated",
                    "Token cache has been cleared for running servers");
            assertThat(terminal.screen()).doesNotContain(login.code());
        }
    }

    @Test
    void wrongCode_isRefused_andThePromptOffersToPasteAgain_thenTheRightCodeWorks() throws Exception {
        String id = seed(local, "cli-typo", Map.of(Accounts.TOKEN_VERSION, AttributeValue.fromN("2")));
        Path urlFile = work.resolve("url-typo");
        try (Tmux terminal = cli(local, browserRecordingTo(urlFile), "--reauthenticate", "cli-typo")) {
            LocalOAuthProvider.Authorization login = local.provider().authorize(awaitUrl(urlFile));
            terminal.await("Paste the authorization code \\(code#state\\): $", WAIT);

            terminal.typeLine("not-the-real-code#" + login.state());
            terminal.await("The provider did not accept that code\\. Paste it again", WAIT);
            terminal.typeLine(login.pasted());

            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen()).contains("Account 'cli-typo' has been successfully re-authenticated");
            assertThat(local.aws().dynamo().getItem(g -> g.tableName(local.aws().accountsTable()).consistentRead(true)
                    .key(Map.of(Accounts.ID, AttributeValue.fromS(id)))).item().get(Accounts.TOKEN_VERSION).n()).isEqualTo("3");
        }
    }

    @Test
    void sessionThatExpiresWhileWaiting_endsWithExitCode4() throws Exception {
        seed(shortSessions, "cli-slow", Map.of());
        Path urlFile = work.resolve("url-slow");
        try (Tmux terminal = cli(shortSessions, browserRecordingTo(urlFile), "--reauthenticate", "cli-slow")) {
            LocalOAuthProvider.Authorization login = shortSessions.provider().authorize(awaitUrl(urlFile));
            terminal.await("Paste the authorization code", WAIT);
            Thread.sleep(3500);

            terminal.typeLine(login.pasted());

            assertThat(terminal.awaitExit(WAIT)).isEqualTo(4);
            assertThat(terminal.screen()).contains("session expired; run the command again");
        }
    }

    @Test
    void unknownAccount_endsWithExitCode3() {
        try (Tmux terminal = cli(local, Map.of(), "--reauthenticate", "nobody-by-that-name")) {
            assertThat(terminal.awaitExit(WAIT)).isEqualTo(3);
            assertThat(terminal.screen()).contains("Error: Account 'nobody-by-that-name' not found");
        }
    }

    @Test
    void headlessServer_printsTheUrlToOpen_andStillCompletes() {
        seed(local, "cli-headless", Map.of());
        try (Tmux terminal = cli(local, Map.of(), "--reauthenticate", "cli-headless")) {
            terminal.await("Could not open a browser here\\. Open this URL to log in:", WAIT);
            String url = terminal.await("^\\s+(http://\\S+/authorize\\?\\S+)$", WAIT);
            LocalOAuthProvider.Authorization login = local.provider().authorize(url);
            terminal.await("Paste the authorization code", WAIT);

            terminal.typeLine(login.pasted());

            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen()).contains("Token cache has been cleared for running servers");
        }
    }

    @Test
    void list_showsEverySeededAccountsStatus_andNoTokenMaterial() {
        String unique = UUID.randomUUID().toString().substring(0, 6);
        seed(local, "list-a-" + unique, Map.of(Accounts.TOKEN_VERSION, AttributeValue.fromN("7"),
                Accounts.EXPIRES_AT, AttributeValue.fromN(Long.toString(Instant.now().plus(Duration.ofHours(5)).plusSeconds(90).toEpochMilli())),
                Accounts.TOKEN_CIPHERTEXT, AttributeValue.fromB(software.amazon.awssdk.core.SdkBytes.fromUtf8String("opaque-ciphertext"))));
        seed(local, "list-b-" + unique, Map.of(Accounts.REQUIRES_REAUTH, AttributeValue.fromBool(true),
                Accounts.API_KEY, AttributeValue.fromS("sk-ant-secret-api-key-value"),
                Accounts.EXPIRES_AT, AttributeValue.fromN(Long.toString(Instant.now().minus(Duration.ofHours(3)).minusSeconds(90).toEpochMilli()))));

        try (Tmux terminal = cli(local, Map.of(), "--list")) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            String screen = terminal.screen();
            assertThat(screen).containsPattern("NAME\\s+MODE\\s+EXPIRES IN\\s+REAUTH\\s+VERSION\\s+UPDATED");
            assertThat(screen).containsPattern("list-a-" + unique + "\\s+max\\s+5h 1m\\s+no\\s+7\\s+never");
            assertThat(screen).containsPattern("list-b-" + unique + "\\s+console\\s+expired 3h 1m ago\\s+yes\\s+0\\s+never");
            assertThat(screen).doesNotContain("sk-ant-secret-api-key-value", "opaque-ciphertext", "b3BhcXVl");
        }
    }

    @Test
    void debugOutput_showsRequestLinesOnly_andAnUnreachableApiIsExitCode6() {
        try (Tmux terminal = cli(local, Map.of("DEBUG", "oauth:*"), "--reload", "nobody-here")) {
            assertThat(terminal.awaitExit(WAIT)).isEqualTo(3);
            assertThat(terminal.screen()).containsPattern("oauth:http GET /accounts -> 200 \\(\\d+ ms\\)")
                    .contains("Error: Account 'nobody-here' not found");
        }
        try (Tmux terminal = new Tmux(List.of(ProjectFiles.root().resolve("cli/reauth").toString(),
                "--api-url", "http://127.0.0.1:9", "--list"), terminalEnv(Map.of()))) {
            assertThat(terminal.awaitExit(WAIT)).isEqualTo(6);
            assertThat(terminal.screen()).contains("Cannot reach the reauth API at http://127.0.0.1:9/");
        }
    }

    @Test
    void stackOption_findsTheApiInTheStacksOutputs() {
        String stack = "reauth-cli-" + UUID.randomUUID().toString().substring(0, 8);
        seed(local, "stack-listed-" + stack, Map.of());
        try (var cloudFormation = software.amazon.awssdk.services.cloudformation.CloudFormationClient.builder()
                .endpointOverride(local.aws().endpoint()).region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(dev.reauth.local.LocalStack.CREDENTIALS)
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
            cloudFormation.createStack(c -> c.stackName(stack).templateBody(
                    "{\"Resources\": {\"Topic\": {\"Type\": \"AWS::SNS::Topic\"}},"
                            + " \"Outputs\": {\"ApiUrl\": {\"Value\": \"" + local.api().baseUrl() + "\"}}}"));
        }
        Map<String, String> env = terminalEnv(Map.of("AWS_ENDPOINT_URL", local.aws().endpoint().toString(), "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"));

        try (Tmux terminal = new Tmux(List.of(ProjectFiles.root().resolve("cli/reauth").toString(), "--stack", stack, "--list"), env)) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen()).contains("stack-listed-" + stack);
        }
    }

    @Test
    void addAccount_createsIt_andItIsListedWithItsMode() throws Exception {
        Path urlFile = work.resolve("url-add");
        try (Tmux terminal = cli(local, browserRecordingTo(urlFile), "--add-account", "cli-added", "--mode", "console")) {
            LocalOAuthProvider.Authorization login = local.provider().authorize(awaitUrl(urlFile));
            terminal.await("Paste the authorization code", WAIT);

            terminal.typeLine(login.pasted());

            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen()).contains("Adding account: cli-added (console)", "Account 'cli-added' has been successfully added");
        }
        try (Tmux terminal = cli(local, Map.of(), "--list")) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen()).containsPattern("cli-added\\s+console\\s+\\S+.*\\s+no\\s+1\\s");
        }
    }

    @Test
    void reauthenticateAll_takesEveryDueAccountInTurn_leavesTheRest_andSummarises() throws Exception {
        String dueFlagged = seed(bulk, "bulk-flagged", Map.of(Accounts.REQUIRES_REAUTH, AttributeValue.fromBool(true),
                Accounts.EXPIRES_AT, AttributeValue.fromN(Long.toString(Instant.now().plus(Duration.ofHours(8)).toEpochMilli()))));
        String dueSoon = seed(bulk, "bulk-soon", Map.of(
                Accounts.EXPIRES_AT, AttributeValue.fromN(Long.toString(Instant.now().plus(Duration.ofMinutes(30)).toEpochMilli()))));
        String fresh = seed(bulk, "bulk-fresh", Map.of(Accounts.TOKEN_VERSION, AttributeValue.fromN("9"),
                Accounts.EXPIRES_AT, AttributeValue.fromN(Long.toString(Instant.now().plus(Duration.ofHours(8)).toEpochMilli()))));
        Path urls = work.resolve("urls-bulk");
        Path script = work.resolve("browser-bulk.sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '" + urls + "'\n");
        script.toFile().setExecutable(true);

        try (Tmux terminal = cli(bulk, Map.of("BROWSER", script.toString()), "--reauthenticate-all", "--expiring-within", "2h")) {
            terminal.await("2 account\\(s\\) to re-authenticate: bulk-flagged, bulk-soon", WAIT);
            for (int n = 1; n <= 2; n++) {
                String url = awaitLine(urls, n);
                LocalOAuthProvider.Authorization login = bulk.provider().authorize(url);
                terminal.typeLine(login.pasted());
                terminal.await("(?s)(successfully re-authenticated.*){" + n + "}", WAIT);
            }

            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen()).contains("Summary: 2 of 2 re-authenticated: bulk-flagged, bulk-soon");
        }
        assertThat(version(bulk, dueFlagged)).isEqualTo("1");
        assertThat(version(bulk, dueSoon)).isEqualTo("1");
        assertThat(version(bulk, fresh)).isEqualTo("9");
    }

    private static String awaitLine(Path file, int n) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (lines.size() >= n) {
                    return lines.get(n - 1).strip();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the browser was not opened " + n + " times");
    }

    private static String version(LocalDeployment deployment, String id) {
        return deployment.aws().dynamo().getItem(g -> g.tableName(deployment.aws().accountsTable()).consistentRead(true)
                .key(Map.of(Accounts.ID, AttributeValue.fromS(id)))).item().get(Accounts.TOKEN_VERSION).n();
    }

    private Tmux cli(LocalDeployment deployment, Map<String, String> extraEnv, String... args) {
        Map<String, String> env = terminalEnv(extraEnv);
        List<String> command = new ArrayList<>(List.of(ProjectFiles.root().resolve("cli/reauth").toString(),
                "--api-url", deployment.api().baseUrl().toString()));
        command.addAll(List.of(args));
        return new Tmux(command, env);
    }

    /** The terminal's whole environment: a private HOME and cache, this JDK, plus {@code extra}. */
    private Map<String, String> terminalEnv(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", work.toString());
        env.put("XDG_CACHE_HOME", work.resolve("cache").toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("TERM", "xterm");
        return env;
    }

    /** A $BROWSER that records the URL it was asked to open, as the operator's browser would receive it. */
    private Map<String, String> browserRecordingTo(Path urlFile) throws IOException {
        Path script = work.resolve("browser-" + UUID.randomUUID() + ".sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s' \"$1\" > '" + urlFile + "'\n");
        script.toFile().setExecutable(true);
        return Map.of("BROWSER", script.toString());
    }

    private static String awaitUrl(Path file) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.size(file) > 0) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the browser was never opened");
    }

    private static String seed(LocalDeployment deployment, String name, Map<String, AttributeValue> extra) {
        return deployment.aws().seedAccount(name, extra);
    }

    private static List<String> lines(String screen) {
        return screen.lines().map(String::strip).toList();
    }
}
