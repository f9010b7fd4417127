package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.LocalDeployment;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.wire.Schema.Accounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * reauth --list, --list --json and --check against the local stack, after the refresher has done
 * its work: an account refreshed on demand, one whose refresh token the provider revoked (found dead
 * at its refresh), one whose refreshes keep failing, one whose access token expired. --list and
 * --check run in a terminal (tmux); --list --json is piped, as scripts run it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliHealthIT {

    private static final Duration WAIT = CliTerminals.WAIT;

    private LocalDeployment listed;
    private LocalDeployment checked;
    private Path work;
    private CliTerminals terminals;
    private final Map<String, String> ids = new HashMap<>();

    @BeforeAll
    void start() throws Exception {
        LogCapture.install();
        listed = LocalDeployment.withLocalProvider(0, Map.of());
        checked = LocalDeployment.withLocalProvider(0, Map.of());
        work = Files.createTempDirectory("reauth-cli-health-");
        terminals = new CliTerminals(work);

        // refreshed once, on demand, as a proxy whose upstream call answered 401 asks for it
        ids.put("fresh", LocalLogins.logIn(listed, "h-fresh"));
        assertThat(LocalLogins.json(
                                LocalLogins.refreshNow(listed, ids.get("fresh")).body())
                        .path("status")
                        .asText())
                .isEqualTo("refreshed");
        // signed out everywhere at the provider: the next refresh finds the refresh token dead
        ids.put("dead", LocalLogins.logIn(listed, "h-dead"));
        listed.provider()
                .refreshGrants()
                .revoke(LocalLogins.tokens(listed, ids.get("dead")).refreshToken());
        assertThat(LocalLogins.refreshNow(listed, ids.get("dead")).statusCode()).isEqualTo(409);
        // four failed refreshes in a row and an expired token: states the refresher writes (RefreshIT proves it does)
        ids.put(
                "failing",
                listed.aws()
                        .seedAccount(
                                "h-failing",
                                Map.of(
                                        Accounts.TOKEN_CIPHERTEXT,
                                                AttributeValue.fromB(SdkBytes.fromUtf8String("sealed")),
                                        Accounts.TOKEN_VERSION, AttributeValue.fromN("7"),
                                        Accounts.EXPIRES_AT,
                                                millis(Instant.now()
                                                        .plus(Duration.ofHours(3))
                                                        .plus(Duration.ofMinutes(30))),
                                        Accounts.LAST_REFRESH_AT,
                                                millis(Instant.now().minus(Duration.ofHours(5))),
                                        Accounts.LAST_REFRESH_RESULT, AttributeValue.fromS("provider_error"),
                                        Accounts.REFRESH_FAILURES, AttributeValue.fromN("4"),
                                        Accounts.REFRESH_COUNT, AttributeValue.fromN("9"))));
        ids.put(
                "expired",
                listed.aws()
                        .seedAccount(
                                "h-expired",
                                Map.of(
                                        Accounts.TOKEN_CIPHERTEXT,
                                                AttributeValue.fromB(SdkBytes.fromUtf8String("sealed")),
                                        Accounts.TOKEN_VERSION, AttributeValue.fromN("2"),
                                        Accounts.EXPIRES_AT,
                                                millis(Instant.now().minus(Duration.ofHours(2))))));
    }

    @AfterAll
    void stop() {
        SystemIT.assertNoSecretsLogged(listed.provider().secretsSeen());
        listed.close();
        checked.close();
        CliTerminals.remove(work);
    }

    @Test
    void list_showsEachAccountsExpiryRefreshHealthAndWhyItRequiresReauth() {
        try (Tmux terminal = terminals.cli(listed, Map.of(), "--list")) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            String screen = terminal.screen();
            assertThat(screen)
                    .containsPattern(
                            "NAME\\s+IDENTITY\\s+MODE\\s+EXPIRES IN\\s+LOGIN UNTIL\\s+REFRESHED\\s+RESULT\\s+FAILS\\s+REFRESHES\\s+VERSION\\s+REAUTH")
                    .containsPattern(
                            "h-fresh\\s+owner@example\\.com\\s+max\\s+7h \\d+m\\s+-\\s+\\S+ ago\\s+ok\\s+0\\s+1\\s+2\\s+no\\s")
                    .containsPattern(
                            "h-dead\\s+owner@example\\.com\\s+max\\s+7h \\d+m\\s+-\\s+never\\s+dead\\s+0\\s+0\\s+1\\s+"
                                    + "yes \\(invalid_grant, \\d+[sm] ago\\)")
                    // minutes pass between the set-up and this test
                    .containsPattern(
                            "h-failing\\s+-\\s+max\\s+3h \\d+m\\s+-\\s+5h \\d+m ago\\s+provider_error\\s+4\\s+9\\s+7\\s+no\\s")
                    .containsPattern(
                            "h-expired\\s+-\\s+max\\s+expired 2h \\d+m ago\\s+-\\s+never\\s+-\\s+0\\s+0\\s+2\\s+no\\s")
                    .doesNotContain("sealed", "c2VhbGVk");
        }
    }

    @Test
    void listJson_isOneDocumentOnStandardOutput_withEveryAccountsHealthAndWhatNeedsAttention() throws Exception {
        ScriptRun run = ScriptRun.of(
                "cli/reauth",
                Map.of("XDG_CACHE_HOME", work.resolve("cache").toString()),
                "--api-url",
                listed.api().baseUrl().toString(),
                "--list",
                "--json");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode document = LocalLogins.json(run.stdout());
        assertThat(document.path("version").asInt()).isEqualTo(1);
        Map<String, JsonNode> byName = new HashMap<>();
        document.path("accounts")
                .forEach(account -> byName.put(account.path("name").asText(), account));
        assertThat(byName).containsOnlyKeys("h-fresh", "h-dead", "h-failing", "h-expired");

        JsonNode fresh = byName.get("h-fresh");
        assertThat(fresh.path("id").asText()).isEqualTo(ids.get("fresh"));
        assertThat(fresh.path("identity").path("email").asText()).isEqualTo("owner@example.com");
        assertThat(fresh.path("lastRefreshResult").asText()).isEqualTo("ok");
        assertThat(fresh.path("refreshCount").asLong()).isEqualTo(1);
        assertThat(fresh.path("tokenVersion").asLong()).isEqualTo(2);
        assertThat(fresh.path("expiresInSeconds").asLong()).isBetween(7 * 3600L, 8 * 3600L);
        assertThat(fresh.path("healthy").asBoolean()).isTrue();
        JsonNode dead = byName.get("h-dead");
        assertThat(dead.path("requiresReauth").asBoolean()).isTrue();
        assertThat(dead.path("reauthReason").asText()).isEqualTo("invalid_grant");
        assertThat(Instant.parse(dead.path("reauthRequiredAt").asText())).isBefore(Instant.now());
        assertThat(dead.path("attention").toString()).isEqualTo("[\"requires_reauth\"]");
        assertThat(byName.get("h-failing").path("refreshFailures").asLong()).isEqualTo(4);
        assertThat(byName.get("h-failing").path("attention").toString()).isEqualTo("[\"refresh_failing\"]");
        assertThat(byName.get("h-expired").path("attention").toString()).isEqualTo("[\"expired\"]");
        assertThat(run.stderr()).startsWith("API " + listed.api().baseUrl()).doesNotContain("Error");
    }

    @Test
    void check_isGreen_thenRedForADeadRefreshToken_thenGreenAgainAfterReauthentication() throws Exception {
        LocalLogins.logIn(checked, "c-work");
        String spare = LocalLogins.logIn(checked, "c-spare");
        try (Tmux terminal = terminals.cli(checked, Map.of(), "--check")) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen()).contains("all 2 accounts healthy");
        }

        // the provider revoked c-spare's refresh token; a proxy's 401 makes reauth refresh it, and it is found dead
        checked.provider()
                .refreshGrants()
                .revoke(LocalLogins.tokens(checked, spare).refreshToken());
        assertThat(LocalLogins.refreshNow(checked, spare).statusCode()).isEqualTo(409);
        try (Tmux terminal = terminals.cli(checked, Map.of(), "--check")) {
            assertThat(terminal.awaitExit(WAIT)).isEqualTo(9);
            assertThat(terminal.screen())
                    .containsPattern(
                            "(?m)^c-spare: requires re-authentication since \\d+[sm] ago \\(invalid_grant\\); fix: reauth --reauthenticate c-spare$")
                    .doesNotContain("c-work:", "healthy");
        }

        // the fix the line names
        Path urlFile = work.resolve("url-spare");
        try (Tmux terminal =
                terminals.cli(checked, terminals.browserRecordingTo(urlFile), "--reauthenticate", "c-spare")) {
            LocalOAuthProvider.Authorization login = checked.provider().authorize(CliTerminals.awaitUrl(urlFile));
            terminal.await("Paste the authorization code", WAIT);
            terminal.typeLine(login.pasted());
            assertThat(terminal.awaitExit(WAIT)).isZero();
        }
        try (Tmux terminal = terminals.cli(checked, Map.of(), "--check")) {
            assertThat(terminal.awaitExit(WAIT)).isZero();
            assertThat(terminal.screen()).contains("all 2 accounts healthy");
        }
    }

    private static AttributeValue millis(Instant at) {
        return AttributeValue.fromN(Long.toString(at.toEpochMilli()));
    }
}
