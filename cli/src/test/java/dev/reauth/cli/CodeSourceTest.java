package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator's logins with the code#state from a program instead of a terminal (the local run's seam), and the terminal's own source. */
class CodeSourceTest {

    /** Gives the codes it was made with, one per ask, then null; records the pages it was shown. */
    private static final class ScriptedCodes implements CodeSource {
        final List<URI> shown = new ArrayList<>();
        final Deque<String> codes;

        ScriptedCodes(String... codes) {
            this.codes = new ArrayDeque<>(List.of(codes));
        }

        @Override
        public void show(URI url) {
            shown.add(url);
        }

        @Override
        public String next() {
            return codes.poll();
        }
    }

    @RegisterExtension
    final CliRun cli = new CliRun();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private Operator operator(CodeSource codes) {
        ApiClient client = new ApiClient(cli.api().url(), Optional.empty(), new Debug(null, System.err));
        return Operator.of(
                client,
                codes,
                ProviderHosts.forApi(client.base(), Map.of()),
                new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void reauthenticate_showsTheSourceThisLoginsPage_andSendsTheCodeItGives() {
        cli.api()
                .answer(
                        "POST /accounts/work/reauth",
                        200,
                        FakeApi.loginStarted(cli.api().url() + "/authorize"))
                .answer("POST /oauth/callback", 200, FakeApi.REAUTHENTICATED);
        ScriptedCodes codes = new ScriptedCodes("the-code#S1");

        operator(codes).reauthenticate("work", false);

        assertThat(codes.shown)
                .containsExactly(URI.create(cli.api().url() + "/authorize?code=true&client_id=c&state=S1"));
        assertThat(cli.api().bodiesSentTo("/oauth/callback")).containsExactly("{\"code\":\"the-code#S1\"}");
        assertThat(out())
                .isEqualTo("Re-authenticating account: work\n"
                        + "Account 'work' (ops@example.com) has been successfully re-authenticated\n"
                        + "Token cache has been cleared for running servers\n");
    }

    @Test
    void addAccount_completesWithTheSourcesCode() {
        cli.api()
                .answer("POST /accounts", 200, FakeApi.loginStarted(cli.api().url() + "/authorize"))
                .answer("POST /oauth/callback", 200, FakeApi.REAUTHENTICATED);

        operator(new ScriptedCodes("c#S1")).addAccount("work", "max");

        assertThat(cli.api().bodiesSentTo("/accounts")).containsExactly("{\"name\":\"work\",\"mode\":\"max\"}");
        assertThat(cli.api().bodiesSentTo("/oauth/callback")).containsExactly("{\"code\":\"c#S1\"}");
    }

    @Test
    void aSourceWithNoCodeLeft_afterTheProviderRefusedOne_endsTheLogin_withTheAccountUnchanged() {
        cli.api()
                .answer(
                        "POST /accounts/work/reauth",
                        200,
                        FakeApi.loginStarted(cli.api().url() + "/authorize"))
                .answer(
                        "POST /oauth/callback",
                        400,
                        "{\"error\":\"invalid_grant\",\"error_description\":\"bad code\"}");
        ScriptedCodes codes = new ScriptedCodes("refused#S1");

        assertThatThrownBy(() -> operator(codes).reauthenticate("work", false))
                .isInstanceOfSatisfying(
                        CliFailure.class,
                        failure -> assertThat(failure.exitCode()).isEqualTo(ExitCode.CODE_NOT_ACCEPTED));
        assertThat(codes.shown).hasSize(1);
        assertThat(cli.api().bodiesSentTo("/oauth/callback")).containsExactly("{\"code\":\"refused#S1\"}");
    }

    @Test
    void aLoginPageOffTheProviderHosts_isNeverShownToTheSource() {
        cli.api()
                .answer("POST /accounts/work/reauth", 200, FakeApi.loginStarted("https://login.example.net/authorize"));
        ScriptedCodes codes = new ScriptedCodes("c#S1");

        assertThatThrownBy(() -> operator(codes).reauthenticate("work", false))
                .isInstanceOfSatisfying(
                        CliFailure.class,
                        failure -> assertThat(failure.getMessage()).contains("login.example.net", "not opening it"));
        assertThat(codes.shown).isEmpty();
        assertThat(cli.api().bodiesSentTo("/oauth/callback")).isEmpty();
    }

    @Test
    void terminal_withNoBrowser_printsThePage_andAsksForTheCodeAtThePrompt() {
        PrintStream screen = new PrintStream(out, true, StandardCharsets.UTF_8);
        Browser none = new Browser(Map.of(), "Linux", new Debug(null, System.err));
        TerminalCodes terminal = new TerminalCodes(
                none, new Prompt(null, new BufferedReader(new StringReader("typed#S1\n")), screen), screen);

        terminal.show(URI.create("https://claude.ai/oauth/authorize?state=S1"));
        String first = terminal.next();
        String second = terminal.next();

        assertThat(first).isEqualTo("typed#S1");
        assertThat(second).isNull();
        assertThat(out())
                .contains(
                        "No browser could be opened here.",
                        "  https://claude.ai/oauth/authorize?state=S1\n",
                        TerminalCodes.PROMPT);
    }
}
