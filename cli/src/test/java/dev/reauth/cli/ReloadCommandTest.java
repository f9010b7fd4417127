package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** reauth --reload NAME against a fake API: one request by name, never the whole accounts list. */
class ReloadCommandTest {

    private FakeApi api;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        api = new FakeApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private int run(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--api-url", api.url().toString()));
        all.addAll(List.of(args));
        return ReauthCli.run(all.toArray(String[]::new), Map.of(), new BufferedReader(new StringReader("")),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void reload_callsTheByNameRouteOnce_andPrintsTheApisMessage_withoutListingAccounts() {
        api.answer("POST /accounts/by-name/work/reload", 200,
                "{\"success\":true,\"message\":\"Token reload triggered for account 'work'\"}");

        assertThat(run("--reload", "work")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Token reload triggered for account 'work'\n");
        assertThat(api.requests()).extracting(FakeApi.Request::method, FakeApi.Request::path)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("POST", "/accounts/by-name/work/reload"));
    }

    @Test
    void reload_ofANameWithSpaces_sendsItAsOnePathSegment() {
        api.answer("POST /accounts/by-name/Work Team/reload", 200,
                "{\"success\":true,\"message\":\"Token reload triggered for account 'Work Team'\"}");

        assertThat(run("--reload", "Work Team")).isZero();

        assertThat(api.requests()).extracting(FakeApi.Request::path).containsExactly("/accounts/by-name/Work Team/reload");
    }

    @Test
    void reload_ofAnUnknownName_isExitCode3_saysSo_andAsksNothingElse() {
        api.answer("POST /accounts/by-name/nobody-here/reload", 404,
                "{\"error\":\"account_not_found\",\"error_description\":\"No account named 'nobody-here'\"}");

        assertThat(run("--reload", "nobody-here")).isEqualTo(3);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Error: account 'nobody-here' not found");
        assertThat(api.requests()).hasSize(1);
    }
}
