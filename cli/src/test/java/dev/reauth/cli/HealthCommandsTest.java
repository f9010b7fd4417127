package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * reauth --list, --list --json and --check against a fake API: what people, scripts and monitors
 * read. The fake serves the stack's verdicts; the CLI renders them and judges nothing itself.
 */
class HealthCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final CliRun cli = new CliRun();

    private final Instant now = Instant.now();

    private String ago(Duration d) {
        return now.minus(d).toString();
    }

    /** An account as GET /accounts describes a healthy one: refreshed 10 minutes ago, 7 hours left. */
    private ObjectNode healthy(String name) {
        ObjectNode account = JSON.createObjectNode()
                .put("id", "id-" + name)
                .put("name", name)
                .put("mode", "max")
                .put("requiresReauth", false)
                .put("tokenVersion", 15)
                .put("expiresAt", now.plus(Duration.ofHours(7)).plusSeconds(30).toString())
                .put("tokensUpdatedAt", ago(Duration.ofMinutes(10)))
                .put("lastRefreshAt", ago(Duration.ofMinutes(10).plusSeconds(5)))
                .put("lastRefreshResult", "ok")
                .put("refreshFailures", 0)
                .put("refreshCount", 14);
        account.putObject("identity")
                .put("accountUuid", "u-" + name)
                .put("email", name + "@example.com")
                .put("organizationUuid", "o-1")
                .put("organizationName", "Ops");
        verdict(account, "healthy", "refreshed 10m ago; next refresh due in 6h 0m", null)
                .put("lastSuccessAt", ago(Duration.ofMinutes(10).plusSeconds(5)))
                .put("lastAttemptAt", ago(Duration.ofMinutes(10).plusSeconds(6)))
                .put("lastAttemptResult", "ok");
        return account;
    }

    private static ObjectNode verdict(ObjectNode account, String state, String summary, String fix, String... reasons) {
        ObjectNode health = account.putObject("health");
        health.put("state", state);
        List.of(reasons).forEach(health.putArray("reasons")::add);
        health.put("summary", summary).put("fix", fix);
        health.putArray("recentAlerts");
        return health;
    }

    private ObjectNode dead(String name) {
        ObjectNode account = healthy(name)
                .put("requiresReauth", true)
                .put("reauthReason", "invalid_grant")
                .put("reauthRequiredAt", ago(Duration.ofMinutes(125)))
                .put("lastRefreshResult", "dead")
                .put("expiresAt", ago(Duration.ofMinutes(5).plusSeconds(10)));
        ObjectNode health = verdict(
                account,
                "dead",
                "requires re-authentication since 2h 5m ago; proxies do not use it",
                "reauth --reauthenticate " + name,
                "invalid_grant");
        health.put("lastSuccessAt", ago(Duration.ofHours(3)))
                .put("lastAttemptAt", ago(Duration.ofMinutes(125)))
                .put("lastAttemptResult", "dead");
        health.withArray("recentAlerts").addObject().put("kind", "dead").put("at", ago(Duration.ofMinutes(125)));
        return account;
    }

    private ObjectNode failing(String name) {
        ObjectNode account = healthy(name)
                .put("lastRefreshResult", "provider_error")
                .put("refreshFailures", 3)
                .put(
                        "expiresAt",
                        now.plus(Duration.ofMinutes(40)).plusSeconds(30).toString());
        verdict(
                        account,
                        "attention",
                        "3 refreshes in a row failed (last: provider_error)",
                        "usually none: reauth keeps trying; if it persists: reauth --reauthenticate " + name,
                        "refresh_failing")
                .put("lastSuccessAt", ago(Duration.ofHours(2)))
                .put("lastAttemptAt", ago(Duration.ofMinutes(3)))
                .put("lastAttemptResult", "provider_error");
        return account;
    }

    private void accounts(ObjectNode... accounts) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("accounts").addAll(List.of(accounts));
        body.putObject("health").put("leadSeconds", 1200).put("schedulePeriodSeconds", 300);
        cli.api().answer("GET /accounts", 200, body.toString());
    }

    @Test
    void list_showsTheStacksVerdict_andLastSuccessApartFromLastAttempt() {
        accounts(healthy("work"), dead("spare"), failing("flaky"));

        assertThat(cli.run("--list")).isZero();

        assertThat(cli.out())
                .containsPattern(
                        "NAME\\s+IDENTITY\\s+MODE\\s+HEALTH\\s+EXPIRES IN\\s+LAST SUCCESS\\s+LAST ATTEMPT\\s+FAILS\\s+VERSION\n")
                .containsPattern(
                        "work\\s+work@example\\.com\\s+max\\s+healthy\\s+7h 0m\\s+10m ago\\s+10m ago \\(ok\\)\\s+0\\s+15\n")
                .containsPattern(
                        "spare\\s+spare@example\\.com\\s+max\\s+dead \\(invalid_grant\\)\\s+expired 5m ago\\s+3h 0m ago"
                                + "\\s+2h 5m ago \\(dead\\)\\s+0\\s+15\n")
                .containsPattern(
                        "flaky\\s+flaky@example\\.com\\s+max\\s+attention \\(refresh_failing\\)\\s+40m\\s+2h 0m ago"
                                + "\\s+3m ago \\(provider_error\\)\\s+3\\s+15\n")
                .doesNotContain(StackVerdict.NOT_SERVED);
    }

    @Test
    void listJson_isOneDocument_carryingTheStacksVerdictAndRules() throws Exception {
        accounts(healthy("work"), dead("spare"));

        assertThat(cli.run("--list", "--json")).isZero();

        JsonNode document = JSON.readTree(cli.out());
        assertThat(document.path("version").asInt()).isEqualTo(2);
        assertThat(document.path("rules").path("leadSeconds").asLong()).isEqualTo(1200);
        assertThat(Instant.parse(document.path("generatedAt").asText())).isBetween(now.minusSeconds(1), Instant.now());
        JsonNode work = document.path("accounts").get(0);
        assertThat(fieldNames(work))
                .containsExactly(
                        "name",
                        "id",
                        "mode",
                        "identity",
                        "tokenVersion",
                        "tokensUpdatedAt",
                        "expiresAt",
                        "expiresInSeconds",
                        "refreshFailures",
                        "refreshCount",
                        "requiresReauth",
                        "reauthReason",
                        "reauthRequiredAt",
                        "healthy",
                        "health");
        assertThat(fieldNames(work.path("health")))
                .containsExactly(
                        "state",
                        "reasons",
                        "summary",
                        "fix",
                        "nextDueAt",
                        "lastSuccessAt",
                        "lastAttemptAt",
                        "lastAttemptResult",
                        "recentAlerts");
        assertThat(work.path("healthy").asBoolean()).isTrue();
        assertThat(work.path("health").path("state").asText()).isEqualTo("healthy");
        assertThat(work.path("health").path("fix").isNull()).isTrue();
        JsonNode spare = document.path("accounts").get(1);
        assertThat(spare.path("healthy").asBoolean()).isFalse();
        assertThat(spare.path("health").path("reasons").toString()).isEqualTo("[\"invalid_grant\"]");
        assertThat(spare.path("health").path("lastAttemptResult").asText()).isEqualTo("dead");
        assertThat(spare.path("health").path("recentAlerts").get(0).path("kind").asText())
                .isEqualTo("dead");
        assertThat(cli.err()).doesNotContain("Error");
    }

    @Test
    void check_allHealthy_isOneLine_andExitZero() {
        accounts(healthy("work"), healthy("spare"));
        assertThat(cli.run("--check")).isZero();
        assertThat(cli.out()).isEqualTo("all 2 accounts healthy\n");
    }

    @Test
    void check_oneHealthyAccount_isSaidInTheSingular() {
        accounts(healthy("work"));
        assertThat(cli.run("--check")).isZero();
        assertThat(cli.out()).isEqualTo("the 1 account is healthy\n");
    }

    @Test
    void check_noAccounts_isSaidSo() {
        accounts();
        assertThat(cli.run("--check")).isZero();
        assertThat(cli.out()).isEqualTo("no accounts\n");
    }

    @Test
    void check_anAccountTheStackSaysIsRefreshing_needsNobody_whateverItsExpiry() {
        // 40 minutes left: a client judging with a 60-minute lead of its own called this overdue
        ObjectNode soon = healthy("soon")
                .put("expiresAt", now.plus(Duration.ofMinutes(40)).toString());
        verdict(soon, "refreshing", "due for refresh: the schedule takes it within 5m", null, "due");
        accounts(soon, healthy("work"));

        assertThat(cli.run("--check")).isZero();

        assertThat(cli.out()).isEqualTo("all 2 accounts healthy (1 refreshing now)\n");
    }

    @Test
    void check_printsTheStacksVerdictPerAccountThatNeedsAPerson_withTheFix_andExits9() {
        accounts(healthy("work"), dead("spare"), failing("flaky"));

        assertThat(cli.run("--check")).isEqualTo(9);

        assertThat(cli.out().lines().toList())
                .containsExactly(
                        "spare: dead (invalid_grant): requires re-authentication since 2h 5m ago;"
                                + " proxies do not use it; fix: reauth --reauthenticate spare",
                        "flaky: attention (refresh_failing): 3 refreshes in a row failed (last: provider_error);"
                                + " fix: usually none: reauth keeps trying; if it persists: reauth --reauthenticate flaky");
    }

    @Test
    void aStackThatServesNoVerdict_isNamedInOneLine_notGuessedAt() {
        ObjectNode old = healthy("work");
        old.remove("health");
        accounts(old);

        assertThat(cli.run("--check")).isEqualTo(1);
        assertThat(cli.out()).isEmpty();
        assertThat(cli.err()).endsWith("\nError: " + StackVerdict.NOT_SERVED + "\n");

        cli.clearErr();
        assertThat(cli.run("--list", "--json")).isEqualTo(1);
        assertThat(cli.out()).isEmpty();
        assertThat(cli.err()).endsWith("\nError: " + StackVerdict.NOT_SERVED + "\n");

        assertThat(cli.run("--list")).isZero();
        assertThat(cli.out())
                .containsPattern("work\\s+work@example\\.com\\s+max\\s+-\\s+7h 0m")
                .endsWith(StackVerdict.NOT_SERVED + "\n");
    }

    @Test
    void check_whenTheApiCannotBeAsked_isItsOwnExitCode_notAttention() {
        cli.api()
                .answer(
                        "GET /accounts",
                        503,
                        "{\"error\":\"temporarily_unavailable\",\"error_description\":\"The accounts table is unavailable\"}");

        assertThat(cli.run("--check")).isEqualTo(8);

        assertThat(cli.out()).isEmpty();
        assertThat(cli.err()).contains("Error: the API failed (HTTP 503): The accounts table is unavailable");
    }

    @Test
    void json_outsideList_andTheGoneLead_areUsageErrors() {
        assertThat(cli.run("--check", "--json")).isEqualTo(2);
        assertThat(cli.err()).startsWith("Error: --json goes with --list\n");
        cli.clearErr();
        assertThat(cli.run("--check", "--lead", "2h")).isEqualTo(2);
        assertThat(cli.err()).startsWith("Error: " + ReauthCli.LEAD_GONE + "\n");
        cli.clearErr();
        assertThat(cli.run("dashboard", "--lead", "20s")).isEqualTo(2);
        assertThat(cli.err()).startsWith("Error: " + ReauthCli.LEAD_GONE + "\n");
        assertThat(cli.api().requests()).isEmpty();
    }

    @Test
    void aNameTheShellWouldSplit_isQuotedInPrintedCommands() {
        assertThat(AccountHealth.shellWord("work")).isEqualTo("work");
        assertThat(AccountHealth.shellWord("team a's")).isEqualTo("'team a'\\''s'");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
