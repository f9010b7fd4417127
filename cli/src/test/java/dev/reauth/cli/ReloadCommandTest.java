package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** reauth --reload NAME against a fake API: one request by name, never the whole accounts list. */
class ReloadCommandTest {

    @RegisterExtension
    final CliRun cli = new CliRun();

    @Test
    void reload_callsTheByNameRouteOnce_andPrintsTheApisMessage_withoutListingAccounts() {
        cli.api()
                .answer(
                        "POST /accounts/by-name/work/reload",
                        200,
                        "{\"success\":true,\"message\":\"Token reload triggered for account 'work'\"}");

        assertThat(cli.run("--reload", "work")).isZero();

        assertThat(cli.out()).isEqualTo("Token reload triggered for account 'work'\n");
        assertThat(cli.api().requests())
                .extracting(FakeApi.Request::method, FakeApi.Request::path)
                .containsExactly(Tuple.tuple("POST", "/accounts/by-name/work/reload"));
    }

    @Test
    void reload_ofANameWithSpaces_sendsItAsOnePathSegment() {
        cli.api()
                .answer(
                        "POST /accounts/by-name/Work Team/reload",
                        200,
                        "{\"success\":true,\"message\":\"Token reload triggered for account 'Work Team'\"}");

        assertThat(cli.run("--reload", "Work Team")).isZero();

        assertThat(cli.api().requests())
                .extracting(FakeApi.Request::path)
                .containsExactly("/accounts/by-name/Work Team/reload");
    }

    @Test
    void reload_ofAnUnknownName_isExitCode3_saysSo_andAsksNothingElse() {
        cli.api()
                .answer(
                        "POST /accounts/by-name/nobody-here/reload",
                        404,
                        "{\"error\":\"account_not_found\",\"error_description\":\"No account named 'nobody-here'\"}");

        assertThat(cli.run("--reload", "nobody-here")).isEqualTo(3);

        assertThat(cli.err()).contains("Error: account 'nobody-here' not found");
        assertThat(cli.api().requests()).hasSize(1);
    }

    @Test
    void reload_onAStackOlderThanReloadByName_findsTheIdAndReloadsByIt() {
        cli.api()
                .answer("POST /accounts/by-name/work/reload", 404, "{\"message\":\"Not Found\"}")
                .answer("GET /accounts", 200, "{\"accounts\":[{\"id\":\"id-7\",\"name\":\"work\",\"mode\":\"max\"}]}")
                .answer(
                        "POST /accounts/id-7/reload",
                        200,
                        "{\"success\":true,\"message\":\"Token reload triggered for account 'work'\"}");

        assertThat(cli.run("--reload", "work")).isZero();

        assertThat(cli.out()).isEqualTo("Token reload triggered for account 'work'\n");
        assertThat(cli.api().requests())
                .extracting(FakeApi.Request::method, FakeApi.Request::path)
                .containsExactly(
                        Tuple.tuple("POST", "/accounts/by-name/work/reload"),
                        Tuple.tuple("GET", "/accounts"),
                        Tuple.tuple("POST", "/accounts/id-7/reload"));
    }

    @Test
    void reload_onAnOlderStack_ofANameItDoesNotHave_isExitCode3() {
        cli.api()
                .answer("POST /accounts/by-name/nobody/reload", 404, "{\"message\":\"Not Found\"}")
                .answer("GET /accounts", 200, "{\"accounts\":[{\"id\":\"id-7\",\"name\":\"work\",\"mode\":\"max\"}]}");

        assertThat(cli.run("--reload", "nobody")).isEqualTo(3);

        assertThat(cli.err()).contains("Error: account 'nobody' not found");
        assertThat(cli.api().requests()).hasSize(2);
    }

    @Test
    void reload_ofADotDotName_staysOnItsOwnPath_insteadOfResolvingAway() {
        cli.api()
                .answer(
                        "POST /accounts/by-name/../reload",
                        200,
                        "{\"success\":true,\"message\":\"Token reload triggered for account '..'\"}");

        assertThat(cli.run("--reload", "..")).isZero();

        assertThat(cli.api().requests())
                .extracting(FakeApi.Request::path)
                .containsExactly("/accounts/by-name/../reload");
    }
}
