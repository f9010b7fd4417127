package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code reauth link NAME} and {@code reauth link --revoke NAME} against a fake API. */
class LinkCommandsTest {

    private static final String LINK = "https://web.example/r/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde";

    @RegisterExtension
    final CliRun cli = new CliRun();

    /** {@code reauth ARGS --api-url FAKE}: the API options after the subcommand, as its own. */
    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(cli.apiUrl());
        return cli.runRaw("", all.toArray(String[]::new));
    }

    @Test
    void link_printsTheUrlOnItsOwnLine_onStandardOutputOnly_withItsExpiry() {
        cli.api()
                .answer(
                        "POST /accounts/work/link",
                        200,
                        "{\"account\":\"work\",\"accountId\":\"id-1\",\"url\":\"" + LINK
                                + "\",\"expiresAt\":\"2099-01-02T10:00:00Z\"}");
        cli.env.put("DEBUG", "oauth:*");

        assertThat(run("link", "work")).isZero();

        assertThat(cli.out())
                .contains("One-time re-auth link for account 'work' (works once; valid until 2099-01-0")
                .contains("\n" + LINK + "\n")
                .contains("To end it: reauth link --revoke work");
        assertThat(cli.err())
                .contains("oauth:http POST /accounts/work/link -> 200")
                .doesNotContain(LINK)
                .doesNotContain("AbCdEf");
        assertThat(cli.api().requests())
                .extracting(FakeApi.Request::method, FakeApi.Request::path)
                .containsExactly(Tuple.tuple("POST", "/accounts/work/link"));
    }

    @Test
    void link_forAnUnknownAccount_isOneLine_andExitCode3() {
        cli.api()
                .answer(
                        "POST /accounts/nobody/link",
                        404,
                        "{\"error\":\"account_not_found\",\"error_description\":\"No account\"}");

        assertThat(run("link", "nobody")).isEqualTo(3);

        assertThat(cli.err()).contains("Error: account 'nobody' not found").doesNotContain("Exception");
        assertThat(cli.out()).isEmpty();
    }

    @Test
    void link_whoseAnswerHoldsNoWebAddress_isRefused_andNothingIsPrinted() {
        cli.api()
                .answer(
                        "POST /accounts/work/link",
                        200,
                        "{\"account\":\"work\",\"url\":\"javascript:alert(1)\",\"expiresAt\":\"2099-01-02T10:00:00Z\"}");

        assertThat(run("link", "work")).isEqualTo(8);

        assertThat(cli.err()).contains("Error: the API answered without a usable link for account 'work'");
        assertThat(cli.out() + cli.err()).doesNotContain("javascript:");
    }

    @Test
    void link_whenTheStackHasNoWebUrl_saysTheApiFailed_exitCode8() {
        cli.api()
                .answer(
                        "POST /accounts/work/link",
                        503,
                        "{\"error\":\"dependency_unavailable\",\"error_description\":\"Links are not configured\"}");

        assertThat(run("link", "work")).isEqualTo(8);
        assertThat(cli.err()).contains("Error: the API failed (HTTP 503): Links are not configured");
    }

    @Test
    void revoke_sendsDelete_andSaysWhetherThereWasALink() {
        cli.api()
                .answer("DELETE /accounts/work/link", 200, "{\"account\":\"work\",\"revoked\":true}")
                .answer("DELETE /accounts/work/link", 200, "{\"account\":\"work\",\"revoked\":false}");

        assertThat(run("link", "--revoke", "work")).isZero();
        assertThat(run("link", "work", "--revoke")).isZero();

        assertThat(cli.out())
                .contains(
                        "Revoked the re-auth link of account 'work'; it no longer works.",
                        "Account 'work' had no live re-auth link; nothing to revoke.");
        assertThat(cli.api().requests()).extracting(FakeApi.Request::method).containsExactly("DELETE", "DELETE");
    }

    @Test
    void revoke_ofAnUnknownAccount_isExitCode3() {
        cli.api()
                .answer(
                        "DELETE /accounts/ghost/link",
                        404,
                        "{\"error\":\"account_not_found\",\"error_description\":\"No account\"}");

        assertThat(run("link", "--revoke", "ghost")).isEqualTo(3);
        assertThat(cli.err()).contains("Error: account 'ghost' not found");
    }

    @Test
    void link_withoutAName_orWithAnAction_isAUsageError() {
        assertThat(run("link")).isEqualTo(2);
        assertThat(cli.err()).contains("Missing required parameter: 'NAME'");
        assertThat(run("--list", "link", "work")).isEqualTo(2);
        assertThat(cli.err()).contains("link is a command of its own");
        assertThat(cli.api().requests()).isEmpty();
    }

    @Test
    void help_namesLinkAndDashboard() {
        assertThat(cli.runFromTerminal("--help")).isZero();
        assertThat(cli.out())
                .contains("reauth link [--revoke] NAME [API]", "reauth dashboard [--no-browser] [--port N] [API]");
    }

    @Test
    void issuedLink_hidesItsUrl_whenPrintedAsAnObject() {
        LinkCommands.IssuedLink link = new LinkCommands.IssuedLink("work", URI.create(LINK), Instant.EPOCH);
        assertThat(link.toString()).doesNotContain("AbCdEf").contains("work");
    }
}
