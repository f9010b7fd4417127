package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.local.LocalDeployment;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.local.LocalStack;
import dev.reauth.wire.Schema.Accounts;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The operator CLI as a person uses it: the launcher in a terminal (tmux), a browser that receives
 * the authorization URL, a login at the local provider, and the code#state typed at the prompt.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {

    private static final Duration WAIT = CliTerminals.WAIT;
    private static final LocalOAuthProvider.Login OPS = LocalOAuthProvider.Login.of("ops@example.com");
    private static final LocalOAuthProvider.Login OUTSIDER = LocalOAuthProvider.Login.of("eve@example.net");
    private LocalDeployment local;
    private LocalDeployment shortSessions;
    private LocalDeployment bulk;
    private Path work;
    private CliTerminals terminals;

    @BeforeAll
    void start() throws IOException {
        LogCapture.install();
        local = LocalDeployment.withLocalProvider(0, Map.of());
        shortSessions = LocalDeployment.withLocalProvider(0, Map.of("SESSION_TTL", "PT3S"));
        bulk = LocalDeployment.withLocalProvider(0, Map.of());
        work = Files.createTempDirectory("reauth-cli-it-");
        terminals = new CliTerminals(work);
    }

    @AfterAll
    void stop() {
        SystemIT.assertNoSecretsLogged(local.provider().secretsSeen());
        local.close();
        shortSessions.close();
        bulk.close();
        CliTerminals.remove(work);
    }

    @Test
    void reauthenticate_opensTheBrowser_takesThePastedCode_andSaysTheCacheWasCleared() throws Exception {
        seed(local, "cli-ok", Map.of());
        Path urlFile = work.resolve("url-ok");
        try (Tmux terminal =
                terminals.cli(local, terminals.browserRecordingTo(urlFile), "--reauthenticate", "cli-ok")) {
            LocalOAuthProvider.Authorization login = local.provider().authorize(CliTerminals.awaitUrl(urlFile));
            terminal.await("Paste the authorization code \\(code#state\\): $", WAIT);

            terminal.typeLine(login.pasted());

            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(lines(terminal.screen()))
                    .containsSubsequence(
                            "Re-authenticating account: cli-ok",
                            "Opened the provider's login page in your browser. After you log in, it shows a code (code#state).",
                            "Account 'cli-ok' (owner@example.com) has been successfully re-authenticated",
                            "Token cache has been cleared for running servers");
            assertThat(terminal.screen())
                    .doesNotContain(login.code())
                    .containsPattern("API http://127\\.0\\.0\\.1:\\d+ \\(--api-url; local, no credentials\\)");
        }
    }

    @Test
    void wrongCode_isRefused_andThePromptOffersToPasteAgain_thenTheRightCodeWorks() throws Exception {
        String id = seed(local, "cli-typo", Map.of(Accounts.TOKEN_VERSION, AttributeValue.fromN("2")));
        Path urlFile = work.resolve("url-typo");
        try (Tmux terminal =
                terminals.cli(local, terminals.browserRecordingTo(urlFile), "--reauthenticate", "cli-typo")) {
            LocalOAuthProvider.Authorization login = local.provider().authorize(CliTerminals.awaitUrl(urlFile));
            terminal.await("Paste the authorization code \\(code#state\\): $", WAIT);

            terminal.typeLine("not-the-real-code#" + login.state());
            terminal.await("The provider did not accept that code\\. Paste it again", WAIT);
            terminal.typeLine(login.pasted());

            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen())
                    .contains("Account 'cli-typo' (owner@example.com) has been successfully re-authenticated");
            assertThat(local.aws().account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("3");
        }
    }

    @Test
    void codeFromAnotherLogin_isCaughtBeforeItIsSent_andThePromptAsksAgain() throws Exception {
        String otherId = seed(local, "cli-other-login", Map.of(Accounts.TOKEN_VERSION, AttributeValue.fromN("6")));
        seed(local, "cli-this-login", Map.of());
        // another login, started and logged in, whose code the operator still has on the clipboard
        LocalOAuthProvider.Authorization other = local.provider().authorize(startedUrl(local, "cli-other-login"));
        Path urlFile = work.resolve("url-this");
        try (Tmux terminal =
                terminals.cli(local, terminals.browserRecordingTo(urlFile), "--reauthenticate", "cli-this-login")) {
            LocalOAuthProvider.Authorization login = local.provider().authorize(CliTerminals.awaitUrl(urlFile));
            terminal.await("Paste the authorization code \\(code#state\\): $", WAIT);

            terminal.typeLine(other.pasted());
            terminal.await("That code belongs to another login; paste the code for this one\\.", WAIT);
            terminal.typeLine(login.pasted());

            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen())
                    .contains("Account 'cli-this-login'")
                    .contains("successfully re-authenticated")
                    .doesNotContain("already completed");
        }
        // the other login's code was never sent: that login is still open and its account untouched
        assertThat(version(local, otherId)).isEqualTo("6");
    }

    @Test
    void loginAsAnotherProviderAccount_saysSo_andTheRightLoginThenCompletes() throws Exception {
        bindTo("cli-bound", OPS);
        Path urlFile = work.resolve("url-bound");
        try (Tmux terminal =
                terminals.cli(local, terminals.browserRecordingTo(urlFile), "--reauthenticate", "cli-bound")) {
            String url = CliTerminals.awaitUrl(urlFile);
            terminal.await("Paste the authorization code", WAIT);

            terminal.typeLine(local.provider().authorize(url, OUTSIDER).pasted());
            terminal.await(
                    "You logged in as a different provider account than the one 'cli-bound' belongs to; log in as that"
                            + " account and paste again, or re-run with --allow-account-change\\.",
                    WAIT);
            terminal.await("^  Login page: " + Pattern.quote(url) + "$", WAIT);
            terminal.typeLine(local.provider().authorize(url, OPS).pasted());

            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen())
                    .contains("Account 'cli-bound' (ops@example.com) has been successfully re-authenticated");
        }
    }

    @Test
    void allowAccountChange_letsAnotherProviderAccountTakeTheAccountOver() throws Exception {
        bindTo("cli-change", OPS);
        Path urlFile = work.resolve("url-change");
        try (Tmux terminal = terminals.cli(
                local,
                terminals.browserRecordingTo(urlFile),
                "--reauthenticate",
                "cli-change",
                "--allow-account-change")) {
            LocalOAuthProvider.Authorization login =
                    local.provider().authorize(CliTerminals.awaitUrl(urlFile), OUTSIDER);
            terminal.await("Paste the authorization code", WAIT);

            terminal.typeLine(login.pasted());

            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen())
                    .contains(
                            "Re-authenticating account: cli-change (another provider account may take it over)",
                            "Account 'cli-change' (eve@example.net) has been successfully re-authenticated");
        }
        try (Tmux terminal = terminals.cli(local, Map.of(), "--list")) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen()).containsPattern("cli-change\\s+eve@example\\.net\\s+max\\s");
        }
    }

    @Test
    void sessionThatExpiresWhileWaiting_endsWithExitCode4() throws Exception {
        seed(shortSessions, "cli-slow", Map.of());
        Path urlFile = work.resolve("url-slow");
        try (Tmux terminal =
                terminals.cli(shortSessions, terminals.browserRecordingTo(urlFile), "--reauthenticate", "cli-slow")) {
            LocalOAuthProvider.Authorization login = shortSessions.provider().authorize(CliTerminals.awaitUrl(urlFile));
            terminal.await("Paste the authorization code", WAIT);
            Thread.sleep(3500);

            terminal.typeLine(login.pasted());

            assertThat(terminal.awaitExit(WAIT)).isEqualTo(4);
            assertThat(terminal.screen()).contains("session expired; run the command again");
        }
    }

    @Test
    void unknownAccount_endsWithExitCode3() {
        try (Tmux terminal = terminals.cli(local, Map.of(), "--reauthenticate", "nobody-by-that-name")) {
            assertThat(terminal.awaitExit(WAIT)).isEqualTo(3);
            assertThat(terminal.screen()).contains("Error: account 'nobody-by-that-name' not found");
        }
    }

    @Test
    void headlessServer_printsTheUrlToOpen_andStillCompletes() {
        seed(local, "cli-headless", Map.of());
        try (Tmux terminal = terminals.cli(local, Map.of(), "--reauthenticate", "cli-headless")) {
            terminal.await(
                    "No browser could be opened here\\. Open this URL in a browser \\(on any machine\\) and log in:",
                    WAIT);
            String url = terminal.await("^\\s+(http://\\S+/authorize\\?\\S+)$", WAIT);
            LocalOAuthProvider.Authorization login = local.provider().authorize(url);
            terminal.await("Paste the authorization code", WAIT);

            terminal.typeLine(login.pasted());

            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen())
                    .contains(
                            "Token cache has been cleared for running servers",
                            "After you log in, the provider's page shows a code (code#state): copy it and paste it below.")
                    .doesNotContain("Opened", "Opening browser");
        }
    }

    @Test
    void list_showsEverySeededAccountsStatus_andNoTokenMaterial() {
        String unique = UUID.randomUUID().toString().substring(0, 6);
        seed(
                local,
                "list-a-" + unique,
                Map.of(
                        Accounts.TOKEN_VERSION,
                        AttributeValue.fromN("7"),
                        Accounts.EXPIRES_AT,
                        AttributeValue.fromN(Long.toString(Instant.now()
                                .plus(Duration.ofHours(5))
                                .plusSeconds(90)
                                .toEpochMilli())),
                        Accounts.TOKEN_CIPHERTEXT,
                        AttributeValue.fromB(SdkBytes.fromUtf8String("opaque-ciphertext"))));
        seed(
                local,
                "list-b-" + unique,
                Map.of(
                        Accounts.REQUIRES_REAUTH,
                        AttributeValue.fromBool(true),
                        Accounts.API_KEY,
                        AttributeValue.fromS("sk-ant-secret-api-key-value"),
                        Accounts.EXPIRES_AT,
                        AttributeValue.fromN(Long.toString(Instant.now()
                                .minus(Duration.ofHours(3))
                                .minusSeconds(90)
                                .toEpochMilli()))));

        try (Tmux terminal = terminals.cli(local, Map.of(), "--list")) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            String screen = terminal.screen();
            assertThat(screen)
                    .containsPattern(
                            "NAME\\s+IDENTITY\\s+MODE\\s+EXPIRES IN\\s+LOGIN UNTIL\\s+REFRESHED\\s+RESULT\\s+FAILS\\s+REFRESHES\\s+VERSION\\s+REAUTH");
            assertThat(screen)
                    .containsPattern(
                            "list-a-" + unique + "\\s+-\\s+max\\s+5h 1m\\s+-\\s+never\\s+-\\s+0\\s+0\\s+7\\s+no\\s");
            assertThat(screen)
                    .containsPattern("list-b-" + unique
                            + "\\s+-\\s+console\\s+expired 3h 1m ago\\s+-\\s+never\\s+-\\s+0\\s+0\\s+0\\s+yes\\s");
            assertThat(screen).doesNotContain("sk-ant-secret-api-key-value", "opaque-ciphertext", "b3BhcXVl");
        }
    }

    @Test
    void list_showsTheProviderIdentityThatLoggedIn() throws Exception {
        bindTo("cli-identity", OPS);

        try (Tmux terminal = terminals.cli(local, Map.of(), "--list")) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen()).containsPattern("cli-identity\\s+ops@example\\.com\\s+max\\s");
        }
    }

    @Test
    void debugOutput_showsRequestLinesOnly_andAnUnreachableApiIsExitCode6() {
        try (Tmux terminal = terminals.cli(local, Map.of("DEBUG", "oauth:*"), "--reload", "nobody-here")) {
            assertThat(terminal.awaitExit(WAIT)).isEqualTo(3);
            assertThat(terminal.screen())
                    .containsPattern("oauth:http POST /accounts/by-name/nobody-here/reload -> 404 \\(\\d+ ms\\)")
                    .contains("Error: account 'nobody-here' not found");
        }
        try (Tmux terminal = terminals.raw(Map.of(), "--api-url", "http://127.0.0.1:9", "--list")) {
            assertThat(terminal.awaitExit(WAIT)).isEqualTo(6);
            assertThat(terminal.screen()).contains("Error: cannot reach the reauth API at http://127.0.0.1:9/");
        }
    }

    @Test
    void stackOption_findsTheApiInTheStacksOutputs() {
        String stack = "reauth-cli-" + UUID.randomUUID().toString().substring(0, 8);
        seed(local, "stack-listed-" + stack, Map.of());
        try (var cloudFormation = CloudFormationClient.builder()
                .endpointOverride(local.aws().endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(LocalStack.CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            cloudFormation.createStack(c -> c.stackName(stack)
                    .templateBody("{\"Resources\": {\"Topic\": {\"Type\": \"AWS::SNS::Topic\"}},"
                            + " \"Outputs\": {\"ApiUrl\": {\"Value\": \""
                            + local.api().baseUrl() + "\"}}}"));
        }
        // a stale REAUTH_API_URL in the environment: the flag wins
        Map<String, String> env = Map.of(
                "AWS_ENDPOINT_URL",
                local.aws().endpoint().toString(),
                "AWS_REGION",
                "us-east-1",
                "AWS_ACCESS_KEY_ID",
                "test",
                "AWS_SECRET_ACCESS_KEY",
                "test",
                "REAUTH_API_URL",
                "http://127.0.0.1:9");

        try (Tmux terminal = terminals.raw(env, "--stack", stack, "--list")) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen())
                    .contains(
                            "stack-listed-" + stack, "API " + local.api().baseUrl() + " (--stack " + stack + "; local");
        }
    }

    @Test
    void addAccount_createsIt_andItIsListedWithItsMode() throws Exception {
        Path urlFile = work.resolve("url-add");
        try (Tmux terminal = terminals.cli(
                local, terminals.browserRecordingTo(urlFile), "--add-account", "cli-added", "--mode", "console")) {
            LocalOAuthProvider.Authorization login = local.provider().authorize(CliTerminals.awaitUrl(urlFile));
            terminal.await("Paste the authorization code", WAIT);

            terminal.typeLine(login.pasted());

            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen())
                    .contains(
                            "Adding account: cli-added (console)",
                            "Account 'cli-added' (owner@example.com) has been successfully added");
        }
        try (Tmux terminal = terminals.cli(local, Map.of(), "--list")) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen())
                    .containsPattern(
                            "cli-added\\s+owner@example\\.com\\s+console\\s+7h \\d+m\\s+-\\s+never\\s+-\\s+0\\s+0\\s+1\\s+no\\s");
        }
    }

    @Test
    void reauthenticateAll_takesEveryDueAccountInTurn_leavesTheRest_andSummarises() throws Exception {
        String dueFlagged = seed(
                bulk,
                "bulk-flagged",
                Map.of(
                        Accounts.REQUIRES_REAUTH,
                        AttributeValue.fromBool(true),
                        Accounts.EXPIRES_AT,
                        AttributeValue.fromN(Long.toString(
                                Instant.now().plus(Duration.ofHours(8)).toEpochMilli()))));
        String dueSoon = seed(
                bulk,
                "bulk-soon",
                Map.of(
                        Accounts.EXPIRES_AT,
                        AttributeValue.fromN(Long.toString(
                                Instant.now().plus(Duration.ofMinutes(30)).toEpochMilli()))));
        String fresh = seed(
                bulk,
                "bulk-fresh",
                Map.of(
                        Accounts.TOKEN_VERSION,
                        AttributeValue.fromN("9"),
                        Accounts.EXPIRES_AT,
                        AttributeValue.fromN(Long.toString(
                                Instant.now().plus(Duration.ofHours(8)).toEpochMilli()))));
        Path urls = work.resolve("urls-bulk");
        Path script = work.resolve("browser-bulk.sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '" + urls + "'\n");
        script.toFile().setExecutable(true);

        try (Tmux terminal = terminals.cli(
                bulk, Map.of("BROWSER", script.toString()), "--reauthenticate-all", "--expiring-within", "2h")) {
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
        return deployment.aws().account(id).get(Accounts.TOKEN_VERSION).n();
    }

    /** A seeded account bound to {@code login}: one whole re-authentication through the API, logged in as it. */
    private void bindTo(String name, LocalOAuthProvider.Login login) throws Exception {
        seed(local, name, Map.of());
        String pasted =
                local.provider().authorize(startedUrl(local, name), login).pasted();
        HttpResponse<String> done = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(local.api().baseUrl().resolve("/oauth/callback"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(new ObjectMapper()
                                        .createObjectNode()
                                        .put("code", pasted)
                                        .toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    }

    /** Starts a login through the API directly, as another terminal would have; its authorization URL. */
    private static String startedUrl(LocalDeployment deployment, String name) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(deployment.api().baseUrl().resolve("/accounts/" + name + "/reauth"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return new ObjectMapper()
                .readTree(response.body())
                .path("authorizationUrl")
                .asText();
    }

    private static String seed(LocalDeployment deployment, String name, Map<String, AttributeValue> extra) {
        return deployment.aws().seedAccount(name, extra);
    }

    private static List<String> lines(String screen) {
        return screen.lines().map(String::strip).toList();
    }
}
