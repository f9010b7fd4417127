package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * reauth import better-ccflare against a fake API and a small SQLite database holding the columns
 * the import reads (the real better-ccflare's own database is used in infra's CliImportIT).
 */
class ImportTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long EXPIRES = 1_900_000_000_000L;

    @TempDir
    Path dir;

    private Path database;

    @RegisterExtension
    final CliRun cli = new CliRun();

    @BeforeEach
    void start() throws Exception {
        database = dir.resolve("better-ccflare.db");
        sql(
                "CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL, provider TEXT DEFAULT 'anthropic', api_key TEXT,"
                        + " refresh_token TEXT, access_token TEXT, expires_at INTEGER, created_at INTEGER NOT NULL, priority INTEGER DEFAULT 0,"
                        + " paused INTEGER DEFAULT 0)");
    }

    private void sql(String statement, Object... values) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
                PreparedStatement s = c.prepareStatement(statement)) {
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            s.executeUpdate();
        }
    }

    private void account(
            String name, String provider, Integer priority, String access, String refresh, Long expires, String apiKey)
            throws Exception {
        sql(
                "INSERT INTO accounts (id, name, provider, api_key, refresh_token, access_token, expires_at, created_at, priority)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
                "id-" + name + "-" + System.nanoTime(),
                name,
                provider,
                apiKey,
                refresh,
                access,
                expires,
                priority);
    }

    /** {@code reauth import better-ccflare --api-url FAKE ARGS}. */
    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of("import", "better-ccflare"));
        all.addAll(cli.apiUrl());
        all.addAll(List.of(args));
        return cli.runRaw("", all.toArray(String[]::new));
    }

    private void fleetOfSix() throws Exception {
        account("work", "anthropic", 3, "sk-ant-oat01-work-access", "sk-ant-ort01-work-refresh", EXPIRES, null);
        account(
                "already",
                "anthropic",
                0,
                "sk-ant-oat01-already-access",
                "sk-ant-ort01-already-refresh",
                EXPIRES,
                null);
        account("console-key", "claude-console-api", 1, null, null, null, "sk-ant-api03-console-key");
        account("glm", "zai", 2, null, null, null, "zai-api-key-value");
        account("half", "anthropic", 0, "sk-ant-oat01-half-access", "", EXPIRES, null);
        account("twin", "anthropic", 0, "sk-ant-oat01-twin-1", "sk-ant-ort01-twin-1", EXPIRES, null);
        account("twin", "anthropic", 5, "sk-ant-oat01-twin-2", "sk-ant-ort01-twin-2", EXPIRES, null);
    }

    @Test
    void import_sendsEachClaudeAccountWithItsTokens_listsTheRestWithWhy_andPrintsNoToken() throws Exception {
        fleetOfSix();
        // by name: "already" is sent first, then "work"
        cli.api()
                .answer(
                        "POST /accounts/import",
                        200,
                        "{\"status\":\"exists\",\"accountId\":\"a-1\",\"name\":\"already\",\"tokenVersion\":4}")
                .answer(
                        "POST /accounts/import",
                        201,
                        "{\"status\":\"created\",\"accountId\":\"a-2\",\"name\":\"work\",\"tokenVersion\":1}");

        assertThat(run("--db", database.toString())).isZero();

        List<String> sent = cli.api().bodiesSentTo("/accounts/import");
        assertThat(sent).hasSize(2);
        JsonNode work = JSON.readTree(sent.get(1));
        assertThat(work.toString())
                .isEqualTo("{\"name\":\"work\",\"mode\":\"max\",\"accessToken\":\"sk-ant-oat01-work-access\","
                        + "\"refreshToken\":\"sk-ant-ort01-work-refresh\",\"expiresAt\":" + EXPIRES
                        + ",\"priority\":3}");
        assertThat(cli.out())
                .containsPattern("NAME\\s+MODE\\s+PRIORITY\\s+RESULT\n")
                .containsPattern("already\\s+max\\s+0\\s+already there\n")
                .containsPattern(
                        "console-key\\s+console\\s+1\\s+cannot take: an API key only, no OAuth tokens to keep alive;"
                                + " to manage it: reauth --add-account console-key --mode console\n")
                .containsPattern("glm\\s+-\\s+2\\s+cannot take: provider 'zai' is not a Claude OAuth account")
                .containsPattern(
                        "half\\s+max\\s+0\\s+cannot take: no refresh token, so its access token cannot be renewed")
                .containsPattern("twin\\s+max\\s+0\\s+cannot take: the name is held by 2 better-ccflare accounts")
                .containsPattern("twin\\s+max\\s+5\\s+cannot take: the name is held by 2")
                .containsPattern("work\\s+max\\s+3\\s+imported\n")
                .contains(
                        "Summary: 1 imported, 1 already there, 5 cannot take\n",
                        "Next: run reauth-agent beside better-ccflare");
        assertThat(cli.out() + cli.err())
                .doesNotContain("sk-ant-oat01", "sk-ant-ort01", "sk-ant-api03", "zai-api-key-value");
    }

    @Test
    void anAccountTheProviderCouldNotIdentify_isImportedUnbound_andTheTableSaysSo() throws Exception {
        account("expired", "anthropic", 0, "sk-ant-oat01-e", "sk-ant-ort01-e", EXPIRES, null);
        cli.api()
                .answer("POST /accounts/import", 201, "{\"status\":\"created\",\"accountId\":\"a-4\",\"bound\":false}");

        assertThat(run("--db", database.toString())).isZero();

        assertThat(cli.out()).containsPattern("expired\\s+max\\s+0\\s+imported \\(unbound\\)\n");
    }

    @Test
    void consoleAccountWithTokens_isImportedAsConsole_withItsApiKey() throws Exception {
        account("billing", "claude-console-api", null, "sk-ant-oat01-b", "sk-ant-ort01-b", EXPIRES, "sk-ant-api03-b");
        cli.api().answer("POST /accounts/import", 201, "{\"status\":\"created\",\"accountId\":\"a-3\"}");

        assertThat(run("--db", database.toString())).isZero();

        JsonNode body = JSON.readTree(cli.api().bodiesSentTo("/accounts/import").getFirst());
        assertThat(body.path("mode").asText()).isEqualTo("console");
        assertThat(body.path("apiKey").asText()).isEqualTo("sk-ant-api03-b");
        assertThat(body.has("priority")).as("no priority in the row: none sent").isFalse();
        assertThat(cli.out()).containsPattern("billing\\s+console\\s+-\\s+imported\n");
    }

    @Test
    void dryRun_sendsNoToken_andTellsNewNamesFromTakenOnes() throws Exception {
        fleetOfSix();
        cli.api()
                .answer(
                        "GET /accounts",
                        200,
                        "{\"accounts\":[{\"id\":\"a-1\",\"name\":\"already\",\"mode\":\"max\",\"tokenVersion\":4}]}");

        assertThat(run("--db", database.toString(), "--dry-run")).isZero();

        assertThat(cli.api().requests()).extracting(FakeApi.Request::method).containsOnly("GET");
        assertThat(cli.out())
                .startsWith("Dry run (nothing is sent): the better-ccflare database " + database)
                .containsPattern("already\\s+max\\s+0\\s+already there\n")
                .containsPattern("work\\s+max\\s+3\\s+would import\n")
                .contains("Summary (dry run, nothing sent): 1 would be imported, 1 already there, 5 cannot take\n")
                .doesNotContain("Next:");
    }

    @Test
    void apiOptions_mayComeBeforeTheCommand() throws Exception {
        account("work", "anthropic", 3, "sk-ant-oat01-w", "sk-ant-ort01-w", EXPIRES, null);
        cli.api().answer("GET /accounts", 200, "{\"accounts\":[]}");

        assertThat(cli.runRaw(
                        "",
                        "--api-url",
                        cli.api().url().toString(),
                        "import",
                        "better-ccflare",
                        "--db",
                        database.toString(),
                        "--dry-run"))
                .isZero();

        assertThat(cli.err()).startsWith("API " + cli.api().url() + " (--api-url; local, no credentials)\n");
        assertThat(cli.out()).containsPattern("work\\s+max\\s+3\\s+would import\n");
    }

    @Test
    void unreachableApi_stopsAtTheFirstAccount_saysWhichWereNotSent_andExits6() throws Exception {
        fleetOfSix();
        cli.api().close();

        assertThat(run("--db", database.toString())).isEqualTo(6);

        assertThat(cli.out())
                .containsPattern("already\\s+max\\s+0\\s+not sent\n")
                .containsPattern("work\\s+max\\s+3\\s+not sent\n")
                .contains("Summary: 0 imported, 0 already there, 5 cannot take, 2 not sent");
        assertThat(cli.err())
                .contains("Error: cannot reach the reauth API at " + cli.api().url());
    }

    @Test
    void accountTheApiRefuses_isListedWithTheApisReason_theOthersStillGo_andTheExitIs1() throws Exception {
        account("bad\u0007name", "anthropic", 0, "sk-ant-oat01-x", "sk-ant-ort01-x", EXPIRES, null);
        account("work", "anthropic", 0, "sk-ant-oat01-y", "sk-ant-ort01-y", EXPIRES, null);
        cli.api()
                .answer(
                        "POST /accounts/import",
                        400,
                        "{\"error\":\"invalid_request\",\"error_description\":\"account name must be at most"
                                + " 128 characters, without control characters or surrounding spaces\"}")
                .answer("POST /accounts/import", 201, "{\"status\":\"created\",\"accountId\":\"a-4\"}");

        assertThat(run("--db", database.toString())).isEqualTo(1);

        assertThat(cli.out())
                .containsPattern("badname\\s+max\\s+0\\s+failed: account name must be at most 128 characters")
                .containsPattern("work\\s+max\\s+0\\s+imported\n")
                .doesNotContain("\u0007");
    }

    @Test
    void theDatabaseIsOnlyRead() throws Exception {
        fleetOfSix();
        byte[] before = Files.readAllBytes(database);
        cli.api().answer("POST /accounts/import", 201, "{\"status\":\"created\",\"accountId\":\"a-5\"}");

        assertThat(run("--db", database.toString())).isZero();

        assertThat(Files.readAllBytes(database)).isEqualTo(before);
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("better-ccflare.db");
        }
    }

    @Test
    void noDatabaseAtPath_isAUsageError_andNothingIsCreatedThere() {
        Path missing = dir.resolve("nope/better-ccflare.db");

        assertThat(run("--db", missing.toString())).isEqualTo(2);

        assertThat(cli.err()).contains("Error: no better-ccflare database at " + missing);
        assertThat(Files.exists(missing)).isFalse();
        assertThat(cli.api().requests()).isEmpty();
    }

    @Test
    void aDatabaseWithoutAnAccountsTable_isNotBetterCcflares() throws Exception {
        Path other = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other)) {
            c.createStatement().execute("CREATE TABLE notes (id TEXT)");
        }

        assertThat(run("--db", other.toString())).isEqualTo(1);

        assertThat(cli.err())
                .contains("Error: " + other + " is not a better-ccflare database: it has no accounts table");
    }

    @Test
    void usageMistakes_answerInOneLine_withTheImportSynopsis() {
        assertThat(cli.runRaw("", "import", "ccflare-pro", "--db", "x.db")).isEqualTo(2);
        assertThat(cli.err())
                .startsWith(
                        "Error: Invalid value for positional parameter at index 0 (SOURCE): 'ccflare-pro' is not a proxy"
                                + " reauth imports from (better-ccflare)\nUsage: reauth import better-ccflare --db PATH [--dry-run] [API]\n")
                .endsWith("see reauth import --help\n");
        cli.clearErr();
        assertThat(cli.runRaw("", "import", "better-ccflare")).isEqualTo(2);
        assertThat(cli.err()).startsWith("Error: Missing required option: '--db=PATH'\n");
        cli.clearErr();
        assertThat(cli.runRaw(
                        "",
                        "import",
                        "better-ccflare",
                        "--db",
                        "x.db",
                        "--api-url",
                        "http://127.0.0.1:1",
                        "--stack",
                        "s"))
                .isEqualTo(2);
        assertThat(cli.err()).startsWith("Error: give --api-url or --stack, not both\n");
        cli.clearErr();
        assertThat(cli.runRaw("", "--check", "import", "better-ccflare", "--db", "x.db"))
                .isEqualTo(2);
        assertThat(cli.err())
                .startsWith("Error: import is a command of its own: give it without --list, --check, --reauthenticate");
        assertThat(cli.api().requests()).isEmpty();
    }

    @Test
    void help_saysWhatIsTakenAndWhere_wrappedToTheWidth() {
        assertThat(cli.runRaw("", "import", "--help")).isZero();

        assertThat(cli.out())
                .contains("$BETTER_CCFLARE_DB_PATH", "--dry-run sends nothing", "Tokens are never printed.");
        assertThat(cli.out().lines())
                .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }
}
