package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The command against a fake API: what the operator reads, what the API is sent, which exit code results. */
class ReauthCliTest {

    private static final String DONE = "{\"success\":true,\"message\":\"Account 'work' (ops@example.com) has been successfully"
            + " re-authenticated\",\"accountId\":\"id-1\",\"tokenVersion\":5,\"cacheFlush\":\"published\"}";

    private FakeApi api;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void start() throws Exception {
        api = new FakeApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private String started(String authorizeHostAndPath) {
        return "{\"account\":\"work\",\"mode\":\"max\",\"authorizationUrl\":\"" + authorizeHostAndPath
                + "?code=true&client_id=c&state=S1\",\"expiresAt\":\"2030-01-01T10:00:00Z\"}";
    }

    private int run(String input, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--api-url", api.url().toString()));
        all.addAll(List.of(args));
        return runRaw(input, all.toArray(String[]::new));
    }

    private int runRaw(String input, String... args) {
        return ReauthCli.run(args, env, new BufferedReader(new StringReader(input)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void codeFromAnotherLogin_isNotSent_andThePromptAsksAgain_thenThisLoginsCodeCompletes() {
        api.answer("POST /accounts/work/reauth", 200, started(api.url() + "/authorize"))
                .answer("POST /oauth/callback", 200, DONE);

        int exit = run("old-code#S0\nnew-code#S1\n", "--reauthenticate", "work");

        assertThat(exit).isZero();
        assertThat(out()).contains("That code belongs to another login; paste the code for this one.",
                "Account 'work' (ops@example.com) has been successfully re-authenticated",
                "Token cache has been cleared for running servers");
        assertThat(api.bodiesSentTo("/oauth/callback")).containsExactly("{\"code\":\"new-code#S1\"}");
    }

    @Test
    void anAccountNamedImport_isAName_notTheImportCommand() {
        api.answer("POST /accounts/import/reauth", 200, started(api.url() + "/authorize")).answer("POST /oauth/callback", 200, DONE);

        assertThat(run("c#S1\n", "--reauthenticate", "import")).isZero();

        assertThat(api.requests()).extracting(FakeApi.Request::path).containsExactly("/accounts/import/reauth", "/oauth/callback");
    }

    @Test
    void codeAlone_isCompletedWithThisLoginsState() {
        api.answer("POST /accounts/work/reauth", 200, started(api.url() + "/authorize"))
                .answer("POST /oauth/callback", 200, DONE);

        assertThat(run("just-the-code\n", "--reauthenticate", "work")).isZero();
        assertThat(api.bodiesSentTo("/oauth/callback")).containsExactly("{\"code\":\"just-the-code#S1\"}");
    }

    @Test
    void loginAsAnotherProviderAccount_saysSo_andThePromptAsksAgain() {
        api.answer("POST /accounts/work/reauth", 200, started(api.url() + "/authorize"))
                .answer("POST /oauth/callback", 409, "{\"error\":\"account_mismatch\",\"error_description\":\"another account\"}")
                .answer("POST /oauth/callback", 200, DONE);

        int exit = run("c1#S1\nc2#S1\n", "--reauthenticate", "work");

        assertThat(exit).isZero();
        assertThat(out()).contains("You logged in as a different provider account than the one 'work' belongs to; log in as"
                + " that account and paste again, or re-run with --allow-account-change.");
        assertThat(out()).contains("  Login page: " + api.url() + "/authorize?code=true&client_id=c&state=S1\n");
        assertThat(api.bodiesSentTo("/oauth/callback")).hasSize(2);
    }

    @Test
    void allowAccountChange_isSentWithTheStart_andOnlyWhenAsked() {
        api.answer("POST /accounts/work/reauth", 200, started(api.url() + "/authorize")).answer("POST /oauth/callback", 200, DONE);

        assertThat(run("c#S1\n", "--reauthenticate", "work", "--allow-account-change")).isZero();
        assertThat(run("c#S1\n", "--reauthenticate", "work")).isZero();

        assertThat(api.bodiesSentTo("/accounts/work/reauth")).containsExactly("{\"allowAccountChange\":true}", "");
    }

    @Test
    void noBrowser_printsTheUrlAndHowToGetTheCode_andNeverClaimsABrowserOpened() {
        api.answer("POST /accounts/work/reauth", 200, started(api.url() + "/authorize")).answer("POST /oauth/callback", 200, DONE);

        assertThat(run("c#S1\n", "--reauthenticate", "work")).isZero();

        assertThat(out()).contains("No browser could be opened here. Open this URL in a browser (on any machine) and log in:",
                "  " + api.url() + "/authorize?code=true&client_id=c&state=S1",
                "After you log in, the provider's page shows a code (code#state): copy it and paste it below.");
        assertThat(out()).doesNotContain("Opened", "Opening");
    }

    @Test
    void authorizationUrlOnAHostThatIsNoProvider_isNeitherOpenedNorPrinted() {
        api.answer("POST /accounts/work/reauth", 200, started("https://login.evil.example/authorize"));
        env.put("BROWSER", "/bin/false");

        int exit = run("c#S1\n", "--reauthenticate", "work");

        assertThat(exit).isEqualTo(8);
        assertThat(err()).contains("Error: the API sent an authorization URL on login.evil.example, which is not a provider host");
        assertThat(out() + err()).doesNotContain("https://login.evil.example/authorize");
        assertThat(api.bodiesSentTo("/oauth/callback")).isEmpty();
    }

    @Test
    void ownLoginAlreadyCompleted_endsWell() {
        api.answer("POST /accounts/work/reauth", 200, started(api.url() + "/authorize"))
                .answer("POST /oauth/callback", 409, "{\"error\":\"session_used\",\"error_description\":\"This authorization was already completed\"}");

        assertThat(run("c#S1\n", "--reauthenticate", "work")).isZero();
        assertThat(out()).contains("This login was already completed");
    }

    @Test
    void loginTheApiNoLongerKnows_endsWithExitCode4() {
        api.answer("POST /accounts/work/reauth", 200, started(api.url() + "/authorize"))
                .answer("POST /oauth/callback", 400, "{\"error\":\"invalid_state\",\"error_description\":\"Unknown authorization session\"}");

        assertThat(run("c#S1\n", "--reauthenticate", "work")).isEqualTo(4);
        assertThat(err()).endsWith("\nError: the API no longer knows this login (was it restarted?); run the command again\n");
    }

    @Test
    void noCodeEntered_endsWithExitCode5() {
        api.answer("POST /accounts/work/reauth", 200, started(api.url() + "/authorize"));

        assertThat(run("", "--reauthenticate", "work")).isEqualTo(5);
        assertThat(err()).contains("Error: no code was entered; account 'work' is unchanged");
    }

    @Test
    void list_showsTheProviderIdentity_andStripsEscapesFromWhatTheApiSent() {
        api.answer("GET /accounts", 200, "{\"accounts\":[{\"id\":\"1\",\"name\":\"work\",\"mode\":\"max\",\"tokenVersion\":4,"
                + "\"requiresReauth\":false,\"identity\":{\"email\":\"ops@example.com\",\"accountUuid\":\"u\",\"organizationName\":\"O\"}},"
                + "{\"id\":\"2\",\"name\":\"\\u001b[31mspare\\u001b]0;pwned\\u0007\",\"mode\":\"console\",\"tokenVersion\":0,\"requiresReauth\":true}]}");

        assertThat(run("", "--list")).isZero();

        assertThat(out()).containsPattern("NAME\\s+IDENTITY\\s+MODE\\s+EXPIRES IN\\s+REFRESHED\\s+RESULT\\s+FAILS\\s+REFRESHES\\s+VERSION\\s+REAUTH\n")
                .containsPattern("work\\s+ops@example\\.com\\s+max\\s+-\\s+never\\s+-\\s+0\\s+0\\s+4\\s+no\n")
                .containsPattern("spare\\s+-\\s+console\\s+-\\s+never\\s+-\\s+0\\s+0\\s+0\\s+yes\n")
                .doesNotContain("\u001b", "pwned");
    }

    @Test
    void serverMessages_reachTheTerminalWithoutControlCharacters() {
        api.answer("POST /accounts/work/reauth", 200, started(api.url() + "/authorize"))
                .answer("POST /oauth/callback", 200, "{\"message\":\"Account 'work' \\u001b[2K\\r\\u001b[1Aok\\u0007\",\"cacheFlush\":\"published\"}");

        assertThat(run("c#S1\n", "--reauthenticate", "work")).isZero();

        assertThat(out()).contains("Account 'work'  ok\n").doesNotContain("\u001b", "\u0007");
    }

    @Test
    void everyCommand_namesTheApiItUses_onStandardError() {
        api.answer("GET /accounts", 200, "{\"accounts\":[]}");

        assertThat(run("", "--list")).isZero();

        assertThat(err()).isEqualTo("API " + api.url() + " (--api-url; local, no credentials)\n");
        assertThat(out()).isEqualTo("No accounts.\n");
    }

    @Test
    void usageError_printsOneErrorLine_theSynopsis_andWhereHelpIs() {
        int exit = runRaw("", "--list", "--bogus");

        assertThat(exit).isEqualTo(2);
        List<String> lines = err().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("Error: Unknown option: '--bogus'");
        assertThat(lines.get(1)).isEqualTo("Usage: reauth --reauthenticate NAME [--allow-account-change] [API]");
        assertThat(lines.getLast()).isEqualTo("see reauth --help");
        assertThat(err()).doesNotContain("Exit codes", "--expiring-within=DURATION", "Error: Error:");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void missingAction_andMisplacedOptions_areUsageErrors() {
        assertThat(runRaw("")).isEqualTo(2);
        assertThat(err().lines().findFirst().orElseThrow()).isEqualTo("Error: nothing to do: give one of --reauthenticate NAME,"
                + " --add-account NAME, --reload NAME, --list, --check, --reauthenticate-all, import better-ccflare --db PATH, link NAME, dashboard");
        err.reset();
        assertThat(run("", "--list", "--allow-account-change")).isEqualTo(2);
        assertThat(err()).startsWith("Error: --allow-account-change goes with --reauthenticate NAME\nUsage: ");
        err.reset();
        assertThat(run("", "--add-account", "x", "--mode", "maxx")).isEqualTo(2);
        assertThat(err()).startsWith("Error: Invalid value for option '--mode': 'maxx' is not max or console\n");
        err.reset();
        assertThat(run("", "--reauthenticate-all", "--expiring-within", "soon")).isEqualTo(2);
        assertThat(err()).startsWith("Error: Invalid value for option '--expiring-within': not a duration: soon");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void bothApiFlags_areAUsageError() {
        assertThat(run("", "--list", "--stack", "prod")).isEqualTo(2);
        assertThat(err()).startsWith("Error: give --api-url or --stack, not both\nUsage: ");
    }

    @Test
    void plainHttpApiOnAnotherHost_isRefusedInOneLine() {
        assertThat(runRaw("", "--api-url", "http://api.example.com", "--list")).isEqualTo(2);

        assertThat(err()).isEqualTo("Error: refusing http://api.example.com: an API that is not on this machine must be https://"
                + " (codes and signed requests would cross the network in clear)\n");
    }

    @Test
    void help_isWrappedToTheWidth_withEvenParagraphs() {
        assertThat(runRaw("", "--help")).isZero();

        assertThat(out()).contains("Exit codes: 0 ok", "REAUTH_PROVIDER_HOSTS", "--allow-account-change", "Commands:\n  import");
        assertThat(out().lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        // paragraphs break between words, never inside a URL or a host name
        assertThat(out()).contains("(http://127.0.0.1:8787)", "console.anthropic.com");
    }
}
