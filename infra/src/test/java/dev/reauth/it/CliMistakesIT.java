package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.LocalDeployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator's mistakes in a real terminal: each gets one line naming the cause and the fix, the
 * documented exit code, and never a stack trace. Nothing here reaches beyond loopback: the deployed
 * API URLs end in .invalid, and the failures come before any request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliMistakesIT {

    private static final String DEPLOYED = "https://r3au7h.execute-api.eu-west-1.amazonaws.com.invalid";
    private static final String EVIL_AUTHORIZE = "https://login.evil.invalid/authorize";

    private LocalDeployment local;
    private LocalDeployment tampered;
    private Path work;
    private CliTerminals terminals;

    @BeforeAll
    void start() throws IOException {
        LogCapture.install();
        local = LocalDeployment.withLocalProvider(0, Map.of());
        // an API whose authorization URLs point somewhere no provider lives
        tampered = LocalDeployment.withLocalProvider(0, Map.of("OAUTH_AUTHORIZE_URL", EVIL_AUTHORIZE));
        work = Files.createTempDirectory("reauth-cli-mistakes-");
        terminals = new CliTerminals(work);
    }

    @AfterAll
    void stop() {
        local.close();
        tampered.close();
        CliTerminals.remove(work);
    }

    @Test
    void noAwsCredentials_forADeployedApi_isOneLine_andExitCode7() {
        try (Tmux terminal = terminals.raw(Map.of(), "--api-url", DEPLOYED, "--list")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isEqualTo(7);
            assertThat(terminal.screen()).contains("Error: no AWS credentials: run `aws sso login` or set AWS_PROFILE");
            assertNoStackTrace(terminal.screen());
        }
    }

    @Test
    void noRegion_forAnApiOrAStack_isOneLine_andExitCode7() {
        Map<String, String> credentials = Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "secret");
        try (Tmux terminal = terminals.raw(credentials, "--api-url", "https://reauth.example.invalid", "--list")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isEqualTo(7);
            assertThat(terminal.screen()).contains("Error: no region: set AWS_REGION (or --region)");
            assertNoStackTrace(terminal.screen());
        }
        try (Tmux terminal = terminals.raw(credentials, "--stack", "reauth-prod", "--list")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isEqualTo(7);
            assertThat(terminal.screen()).contains("Error: no region: set AWS_REGION (or --region)");
            assertNoStackTrace(terminal.screen());
        }
    }

    @Test
    void expiredSsoLogin_saysToLogInAgain_andExitCode7() throws Exception {
        // an IAM Identity Center profile whose cached token expired (the legacy profile form, which never refreshes)
        Path home = work.resolve("sso-home");
        Files.createDirectories(home.resolve(".aws/sso/cache"));
        String startUrl = "https://example.awsapps.invalid/start";
        Files.writeString(
                home.resolve(".aws/config"),
                "[profile ops]\nsso_start_url = " + startUrl
                        + "\nsso_region = eu-west-1\nsso_account_id = 111122223333\nsso_role_name = Operator\nregion = eu-west-1\n");
        String cacheKey = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-1").digest(startUrl.getBytes(StandardCharsets.UTF_8)));
        Files.writeString(
                home.resolve(".aws/sso/cache/" + cacheKey + ".json"),
                "{\"startUrl\":\"" + startUrl
                        + "\",\"region\":\"eu-west-1\",\"accessToken\":\"expired\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}");

        // AWS_ENDPOINT_URL: should anything try to call AWS after all, it reaches a closed loopback port
        try (Tmux terminal = terminals.raw(
                Map.of("HOME", home.toString(), "AWS_PROFILE", "ops", "AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
                "--api-url",
                DEPLOYED,
                "--list")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isEqualTo(7);
            assertThat(terminal.screen())
                    .contains("Error: AWS credentials expired: run `aws sso login` or set AWS_PROFILE");
            assertNoStackTrace(terminal.screen());
        }
    }

    @Test
    void usageError_printsOneErrorLine_theSynopsis_andWhereHelpIs() {
        try (Tmux terminal = terminals.raw(Map.of(), "--list", "--bogus")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isEqualTo(2);
            String screen = terminal.screen();
            assertThat(screen.lines().map(String::strip).toList())
                    .containsSubsequence(
                            "Error: Unknown option: '--bogus'",
                            "Usage: reauth --reauthenticate NAME [--allow-account-change] [API]",
                            "see reauth --help");
            assertThat(screen).doesNotContain("Exit codes", "Error: Error:", "Show this help message");
        }
    }

    @Test
    void plainHttpApiOnAnotherHost_isRefused_withTheUsageExitCode() {
        try (Tmux terminal = terminals.raw(Map.of(), "--api-url", "http://reauth.example.invalid", "--list")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isEqualTo(2);
            assertThat(terminal.screen())
                    .contains("Error: refusing http://reauth.example.invalid: an API that is not on this"
                            + " machine must be https://");
        }
    }

    @Test
    void apiUrlFlag_beatsTheEnvironment_andTheApiInUseIsNamed() {
        try (Tmux terminal = terminals.cli(local, Map.of("REAUTH_API_URL", "http://127.0.0.1:9"), "--list")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isZero();
            assertThat(terminal.screen())
                    .contains("API " + local.api().baseUrl() + " (--api-url; local, no credentials)");
        }
        try (Tmux terminal =
                terminals.raw(Map.of("REAUTH_API_URL", local.api().baseUrl().toString()), "--list")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isZero();
            assertThat(terminal.screen())
                    .contains("API " + local.api().baseUrl() + " ($REAUTH_API_URL; local, no credentials)");
        }
    }

    @Test
    void authorizationUrlOnAHostThatIsNoProvider_isNeverOpened_unlessTheOperatorNamesTheHost() throws Exception {
        tampered.aws().seedAccount("cli-phished", Map.of());
        Path refused = work.resolve("url-refused");
        try (Tmux terminal =
                terminals.cli(tampered, terminals.browserRecordingTo(refused), "--reauthenticate", "cli-phished")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isEqualTo(8);
            assertThat(terminal.screen())
                    .contains("Error: the API sent an authorization URL on login.evil.invalid, which is not a"
                            + " provider host")
                    .doesNotContain(EVIL_AUTHORIZE);
        }
        assertThat(refused).doesNotExist();

        Path allowed = work.resolve("url-allowed");
        Map<String, String> env = new HashMap<>(terminals.browserRecordingTo(allowed));
        env.put("REAUTH_PROVIDER_HOSTS", "login.evil.invalid");
        try (Tmux terminal = terminals.cli(tampered, env, "--reauthenticate", "cli-phished")) {
            assertThat(CliTerminals.awaitUrl(allowed)).startsWith(EVIL_AUTHORIZE + "?");
            terminal.await("Paste the authorization code", CliTerminals.WAIT);
        }
    }

    @Test
    void escapeSequencesInWhatTheApiSends_neverReachTheTerminal() {
        // an account name that, printed raw, would move the cursor back over its own first letters
        local.aws().seedAccount("esc-abc\u001b[3Dxyz\u001b]0;retitled\u0007", Map.of());
        try (Tmux terminal = terminals.cli(local, Map.of(), "--list")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isZero();
            assertThat(terminal.screen()).contains("esc-abcxyz").doesNotContain("retitled");
        }
    }

    private static void assertNoStackTrace(String screen) {
        assertThat(screen).doesNotContain("Exception", "\tat ", "    at ", "Caused by");
    }
}
