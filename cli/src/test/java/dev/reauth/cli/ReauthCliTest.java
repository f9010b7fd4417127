package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The command against a fake API: what the operator reads, what the API is sent, which exit code results. */
class ReauthCliTest {

    @RegisterExtension
    final CliRun cli = new CliRun();

    @Test
    void codeFromAnotherLogin_isNotSent_andThePromptAsksAgain_thenThisLoginsCodeCompletes() {
        cli.api()
                .answer(
                        "POST /accounts/work/reauth",
                        200,
                        FakeApi.loginStarted(cli.api().url() + "/authorize"))
                .answer("POST /oauth/callback", 200, FakeApi.REAUTHENTICATED);

        int exit = cli.runWithInput("old-code#S0\nnew-code#S1\n", "--reauthenticate", "work");

        assertThat(exit).isZero();
        assertThat(cli.out())
                .contains(
                        "That code belongs to another login; paste the code for this one.",
                        "Account 'work' (ops@example.com) has been successfully re-authenticated",
                        "Token cache has been cleared for running servers");
        assertThat(cli.api().bodiesSentTo("/oauth/callback")).containsExactly("{\"code\":\"new-code#S1\"}");
    }

    @Test
    void anAccountNamedImport_isAName_notTheImportCommand() {
        cli.api()
                .answer(
                        "POST /accounts/import/reauth",
                        200,
                        FakeApi.loginStarted(cli.api().url() + "/authorize"))
                .answer("POST /oauth/callback", 200, FakeApi.REAUTHENTICATED);

        assertThat(cli.runWithInput("c#S1\n", "--reauthenticate", "import")).isZero();

        assertThat(cli.api().requests())
                .extracting(FakeApi.Request::path)
                .containsExactly("/accounts/import/reauth", "/oauth/callback");
    }

    @Test
    void codeAlone_isCompletedWithThisLoginsState() {
        cli.api()
                .answer(
                        "POST /accounts/work/reauth",
                        200,
                        FakeApi.loginStarted(cli.api().url() + "/authorize"))
                .answer("POST /oauth/callback", 200, FakeApi.REAUTHENTICATED);

        assertThat(cli.runWithInput("just-the-code\n", "--reauthenticate", "work"))
                .isZero();
        assertThat(cli.api().bodiesSentTo("/oauth/callback")).containsExactly("{\"code\":\"just-the-code#S1\"}");
    }

    @Test
    void loginAsAnotherProviderAccount_saysSo_andThePromptAsksAgain() {
        cli.api()
                .answer(
                        "POST /accounts/work/reauth",
                        200,
                        FakeApi.loginStarted(cli.api().url() + "/authorize"))
                .answer(
                        "POST /oauth/callback",
                        409,
                        "{\"error\":\"account_mismatch\",\"error_description\":\"another account\"}")
                .answer("POST /oauth/callback", 200, FakeApi.REAUTHENTICATED);

        int exit = cli.runWithInput("c1#S1\nc2#S1\n", "--reauthenticate", "work");

        assertThat(exit).isZero();
        assertThat(cli.out())
                .contains("You logged in as a different provider account than the one 'work' belongs to; log in as"
                        + " that account and paste again, or re-run with --allow-account-change.");
        assertThat(cli.out())
                .contains("  Login page: " + cli.api().url() + "/authorize?code=true&client_id=c&state=S1\n");
        assertThat(cli.api().bodiesSentTo("/oauth/callback")).hasSize(2);
    }

    @Test
    void allowAccountChange_isSentWithTheStart_andOnlyWhenAsked() {
        cli.api()
                .answer(
                        "POST /accounts/work/reauth",
                        200,
                        FakeApi.loginStarted(cli.api().url() + "/authorize"))
                .answer("POST /oauth/callback", 200, FakeApi.REAUTHENTICATED);

        assertThat(cli.runWithInput("c#S1\n", "--reauthenticate", "work", "--allow-account-change"))
                .isZero();
        assertThat(cli.runWithInput("c#S1\n", "--reauthenticate", "work")).isZero();

        assertThat(cli.api().bodiesSentTo("/accounts/work/reauth"))
                .containsExactly("{\"allowAccountChange\":true}", "");
    }

    @Test
    void noBrowser_printsTheUrlAndHowToGetTheCode_andNeverClaimsABrowserOpened() {
        cli.api()
                .answer(
                        "POST /accounts/work/reauth",
                        200,
                        FakeApi.loginStarted(cli.api().url() + "/authorize"))
                .answer("POST /oauth/callback", 200, FakeApi.REAUTHENTICATED);

        assertThat(cli.runWithInput("c#S1\n", "--reauthenticate", "work")).isZero();

        assertThat(cli.out())
                .contains(
                        "No browser could be opened here. Open this URL in a browser (on any machine) and log in:",
                        "  " + cli.api().url() + "/authorize?code=true&client_id=c&state=S1",
                        "After you log in, the provider's page shows a code (code#state): copy it and paste it below.");
        assertThat(cli.out()).doesNotContain("Opened", "Opening");
    }

    @Test
    void authorizationUrlOnAHostThatIsNoProvider_isNeitherOpenedNorPrinted() {
        cli.api()
                .answer(
                        "POST /accounts/work/reauth",
                        200,
                        FakeApi.loginStarted("https://login.evil.example/authorize"));
        cli.env.put("BROWSER", "/bin/false");

        int exit = cli.runWithInput("c#S1\n", "--reauthenticate", "work");

        assertThat(exit).isEqualTo(8);
        assertThat(cli.err())
                .contains(
                        "Error: the API sent an authorization URL on login.evil.example, which is not a provider host");
        assertThat(cli.out() + cli.err()).doesNotContain("https://login.evil.example/authorize");
        assertThat(cli.api().bodiesSentTo("/oauth/callback")).isEmpty();
    }

    @Test
    void ownLoginAlreadyCompleted_endsWell() {
        cli.api()
                .answer(
                        "POST /accounts/work/reauth",
                        200,
                        FakeApi.loginStarted(cli.api().url() + "/authorize"))
                .answer(
                        "POST /oauth/callback",
                        409,
                        "{\"error\":\"session_used\",\"error_description\":\"This authorization was already completed\"}");

        assertThat(cli.runWithInput("c#S1\n", "--reauthenticate", "work")).isZero();
        assertThat(cli.out()).contains("This login was already completed");
    }

    @Test
    void loginTheApiNoLongerKnows_endsWithExitCode4() {
        cli.api()
                .answer(
                        "POST /accounts/work/reauth",
                        200,
                        FakeApi.loginStarted(cli.api().url() + "/authorize"))
                .answer(
                        "POST /oauth/callback",
                        400,
                        "{\"error\":\"invalid_state\",\"error_description\":\"Unknown authorization session\"}");

        assertThat(cli.runWithInput("c#S1\n", "--reauthenticate", "work")).isEqualTo(4);
        assertThat(cli.err())
                .endsWith("\nError: the API no longer knows this login (was it restarted?); run the command again\n");
    }

    @Test
    void noCodeEntered_endsWithExitCode5() {
        cli.api()
                .answer(
                        "POST /accounts/work/reauth",
                        200,
                        FakeApi.loginStarted(cli.api().url() + "/authorize"));

        assertThat(cli.runWithInput("", "--reauthenticate", "work")).isEqualTo(5);
        assertThat(cli.err()).contains("Error: no code was entered; account 'work' is unchanged");
    }

    @Test
    void list_showsTheProviderIdentity_andStripsEscapesFromWhatTheApiSent() {
        cli.api()
                .answer(
                        "GET /accounts",
                        200,
                        "{\"accounts\":[{\"id\":\"1\",\"name\":\"work\",\"mode\":\"max\",\"tokenVersion\":4,"
                                + "\"requiresReauth\":false,\"identity\":{\"email\":\"ops@example.com\",\"accountUuid\":\"u\",\"organizationName\":\"O\"}},"
                                + "{\"id\":\"2\",\"name\":\"\\u001b[31mspare\\u001b]0;pwned\\u0007\",\"mode\":\"console\",\"tokenVersion\":0,\"requiresReauth\":true}]}");

        assertThat(cli.runWithInput("", "--list")).isZero();

        assertThat(cli.out())
                .containsPattern(
                        "NAME\\s+IDENTITY\\s+MODE\\s+EXPIRES IN\\s+LOGIN UNTIL\\s+REFRESHED\\s+RESULT\\s+FAILS\\s+REFRESHES\\s+VERSION\\s+REAUTH\n")
                .containsPattern("work\\s+ops@example\\.com\\s+max\\s+-\\s+-\\s+never\\s+-\\s+0\\s+0\\s+4\\s+no\n")
                .containsPattern("spare\\s+-\\s+console\\s+-\\s+-\\s+never\\s+-\\s+0\\s+0\\s+0\\s+yes\n")
                .doesNotContain("\u001b", "pwned");
    }

    @Test
    void serverMessages_reachTheTerminalWithoutControlCharacters() {
        cli.api()
                .answer(
                        "POST /accounts/work/reauth",
                        200,
                        FakeApi.loginStarted(cli.api().url() + "/authorize"))
                .answer(
                        "POST /oauth/callback",
                        200,
                        "{\"message\":\"Account 'work' \\u001b[2K\\r\\u001b[1Aok\\u0007\",\"cacheFlush\":\"published\"}");

        assertThat(cli.runWithInput("c#S1\n", "--reauthenticate", "work")).isZero();

        assertThat(cli.out()).contains("Account 'work'  ok\n").doesNotContain("\u001b", "\u0007");
    }

    @Test
    void everyCommand_namesTheApiItUses_onStandardError() {
        cli.api().answer("GET /accounts", 200, "{\"accounts\":[]}");

        assertThat(cli.runWithInput("", "--list")).isZero();

        assertThat(cli.err()).isEqualTo("API " + cli.api().url() + " (--api-url; local, no credentials)\n");
        assertThat(cli.out()).isEqualTo("No accounts.\n");
    }

    @Test
    void usageError_printsOneErrorLine_theSynopsis_andWhereHelpIs() {
        int exit = cli.runRaw("", "--list", "--bogus");

        assertThat(exit).isEqualTo(2);
        List<String> lines = cli.err().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("Error: Unknown option: '--bogus'");
        assertThat(lines.get(1)).isEqualTo("Usage: reauth --reauthenticate NAME [--allow-account-change] [API]");
        assertThat(lines.getLast()).isEqualTo("see reauth --help");
        assertThat(cli.err()).doesNotContain("Exit codes", "--expiring-within=DURATION", "Error: Error:");
        assertThat(cli.api().requests()).isEmpty();
    }

    @Test
    void missingAction_andMisplacedOptions_areUsageErrors() {
        assertThat(cli.runRaw("")).isEqualTo(2);
        assertThat(cli.err().lines().findFirst().orElseThrow())
                .isEqualTo(
                        "Error: nothing to do: give one of --reauthenticate NAME,"
                                + " --add-account NAME, --reload NAME, --list, --check, --reauthenticate-all, import better-ccflare --db PATH, link NAME, dashboard");
        cli.clearErr();
        assertThat(cli.runWithInput("", "--list", "--allow-account-change")).isEqualTo(2);
        assertThat(cli.err()).startsWith("Error: --allow-account-change goes with --reauthenticate NAME\nUsage: ");
        cli.clearErr();
        assertThat(cli.runWithInput("", "--add-account", "x", "--mode", "maxx")).isEqualTo(2);
        assertThat(cli.err()).startsWith("Error: Invalid value for option '--mode': 'maxx' is not max or console\n");
        cli.clearErr();
        assertThat(cli.runWithInput("", "--reauthenticate-all", "--expiring-within", "soon"))
                .isEqualTo(2);
        assertThat(cli.err()).startsWith("Error: Invalid value for option '--expiring-within': not a duration: soon");
        assertThat(cli.api().requests()).isEmpty();
    }

    @Test
    void bothApiFlags_areAUsageError() {
        assertThat(cli.runWithInput("", "--list", "--stack", "prod")).isEqualTo(2);
        assertThat(cli.err()).startsWith("Error: give --api-url or --stack, not both\nUsage: ");
    }

    @Test
    void plainHttpApiOnAnotherHost_isRefusedInOneLine() {
        assertThat(cli.runRaw("", "--api-url", "http://api.example.com", "--list"))
                .isEqualTo(2);

        assertThat(cli.err())
                .isEqualTo("Error: refusing http://api.example.com: an API that is not on this machine must be https://"
                        + " (codes and signed requests would cross the network in clear)\n");
    }

    @Test
    void help_isWrappedToTheWidth_withEvenParagraphs() {
        assertThat(cli.runRaw("", "--help")).isZero();

        assertThat(cli.out())
                .contains("Exit codes: 0 ok", "REAUTH_PROVIDER_HOSTS", "--allow-account-change", "Commands:\n  import");
        assertThat(cli.out().lines())
                .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        // paragraphs break between words, never inside a URL or a host name
        assertThat(cli.out()).contains("(http://127.0.0.1:8787)", "console.anthropic.com");
    }
}
