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

/** reauth --list, --list --json and --check against a fake API: what people, scripts and monitors read. */
class HealthCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final CliRun cli = new CliRun();

    private final Instant now = Instant.now();

    /** An account as GET /accounts describes a healthy one: refreshed 10 minutes ago, 7 hours left. */
    private ObjectNode healthy(String name) {
        ObjectNode account = JSON.createObjectNode()
                .put("id", "id-" + name)
                .put("name", name)
                .put("mode", "max")
                .put("requiresReauth", false)
                .put("tokenVersion", 15)
                .put("expiresAt", now.plus(Duration.ofHours(7)).plusSeconds(30).toString())
                .put("tokensUpdatedAt", now.minus(Duration.ofMinutes(10)).toString())
                .put(
                        "lastRefreshAt",
                        now.minus(Duration.ofMinutes(10)).minusSeconds(5).toString())
                .put("lastRefreshResult", "ok")
                .put("refreshFailures", 0)
                .put("refreshCount", 14)
                .put(
                        "refreshTokenExpiresAt",
                        now.plus(Duration.ofDays(20)).plusSeconds(30).toString());
        account.putObject("identity")
                .put("accountUuid", "u-" + name)
                .put("email", name + "@example.com")
                .put("organizationUuid", "o-1")
                .put("organizationName", "Ops");
        return account;
    }

    private ObjectNode dead(String name) {
        return healthy(name)
                .put("requiresReauth", true)
                .put("reauthReason", "invalid_grant")
                .put("reauthRequiredAt", now.minus(Duration.ofMinutes(125)).toString())
                .put("lastRefreshResult", "dead")
                .put(
                        "expiresAt",
                        now.minus(Duration.ofMinutes(5)).minusSeconds(10).toString());
    }

    private ObjectNode failing(String name) {
        return healthy(name)
                .put("lastRefreshResult", "provider_error")
                .put("refreshFailures", 3)
                .put(
                        "expiresAt",
                        now.plus(Duration.ofMinutes(40)).plusSeconds(30).toString());
    }

    private void accounts(ObjectNode... accounts) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("accounts").addAll(List.of(accounts));
        cli.api().answer("GET /accounts", 200, body.toString());
    }

    @Test
    void list_showsExpiryRefreshHealthAndWhyAnAccountRequiresReauth() {
        accounts(healthy("work"), dead("spare"), failing("flaky"));

        assertThat(cli.run("--list")).isZero();

        assertThat(cli.out())
                .containsPattern(
                        "NAME\\s+IDENTITY\\s+MODE\\s+EXPIRES IN\\s+LOGIN UNTIL\\s+REFRESHED\\s+RESULT\\s+FAILS\\s+REFRESHES\\s+VERSION\\s+REAUTH\n")
                .containsPattern(
                        "work\\s+work@example\\.com\\s+max\\s+7h 0m\\s+20d 0h\\s+10m ago\\s+ok\\s+0\\s+14\\s+15\\s+no\n")
                .containsPattern(
                        "spare\\s+spare@example\\.com\\s+max\\s+expired 5m ago\\s+20d 0h\\s+10m ago\\s+dead\\s+0\\s+14\\s+15\\s+"
                                + "yes \\(invalid_grant, 2h 5m ago\\)\n")
                .containsPattern(
                        "flaky\\s+flaky@example\\.com\\s+max\\s+40m\\s+20d 0h\\s+10m ago\\s+provider_error\\s+3\\s+14\\s+15\\s+no\n");
    }

    @Test
    void listJson_isOneDocument_everyFieldPresent_andTheAttentionCodesCheckUses() throws Exception {
        ObjectNode legacy = JSON.createObjectNode()
                .put("id", "id-legacy")
                .put("name", "legacy")
                .put("mode", "console")
                .put("requiresReauth", false)
                .put("tokenVersion", 0);
        accounts(healthy("work"), dead("spare"), legacy);

        assertThat(cli.run("--list", "--json")).isZero();

        JsonNode document = JSON.readTree(cli.out());
        assertThat(document.path("version").asInt()).isEqualTo(1);
        assertThat(document.path("leadWindowSeconds").asLong()).isEqualTo(3600);
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
                        "lastRefreshAt",
                        "lastRefreshResult",
                        "refreshFailures",
                        "refreshCount",
                        "requiresReauth",
                        "reauthReason",
                        "reauthRequiredAt",
                        "refreshTokenExpiresAt",
                        "healthy",
                        "attention");
        assertThat(work.path("identity").path("email").asText()).isEqualTo("work@example.com");
        assertThat(work.path("expiresInSeconds").asLong()).isBetween(7 * 3600L, 7 * 3600L + 30);
        assertThat(work.path("refreshCount").asLong()).isEqualTo(14);
        assertThat(work.path("healthy").asBoolean()).isTrue();
        assertThat(work.path("attention")).isEmpty();
        JsonNode spare = document.path("accounts").get(1);
        assertThat(spare.path("reauthReason").asText()).isEqualTo("invalid_grant");
        assertThat(spare.path("expiresInSeconds").asLong()).isNegative();
        assertThat(spare.path("attention").toString()).isEqualTo("[\"requires_reauth\",\"expired\"]");
        JsonNode unknown = document.path("accounts").get(2);
        assertThat(fieldNames(unknown)).isEqualTo(fieldNames(work));
        assertThat(unknown.path("identity").isNull()).isTrue();
        assertThat(unknown.path("expiresAt").isNull()).isTrue();
        assertThat(unknown.path("lastRefreshAt").isNull()).isTrue();
        assertThat(unknown.path("attention").toString()).isEqualTo("[\"no_tokens\"]");
        assertThat(cli.err()).doesNotContain("Error");
    }

    @Test
    void check_allHealthy_isOneLine_andExitZero() {
        accounts(healthy("work"), healthy("spare"));

        assertThat(cli.run("--check")).isZero();

        assertThat(cli.out()).isEqualTo("all 2 accounts healthy\n");
    }

    @Test
    void check_printsOneLinePerAccountThatNeedsAttention_andExits9() {
        accounts(healthy("work"), dead("spare"), failing("flaky"));

        assertThat(cli.run("--check")).isEqualTo(9);

        assertThat(cli.out().lines().toList())
                .containsExactly(
                        "spare: requires re-authentication since 2h 5m ago (invalid_grant); access token expired 5m ago;"
                                + " fix: reauth --reauthenticate spare",
                        "flaky: 3 refreshes in a row failed (last: provider_error)");
    }

    @Test
    void check_leadWindow_decidesWhenAnUnrefreshedAccountIsOverdue() {
        accounts(failing("soon").put("refreshFailures", 0).put("lastRefreshResult", "ok"));

        assertThat(cli.run("--check")).isZero();
        cli.clearOut();
        assertThat(cli.run("--check", "--lead", "2h")).isEqualTo(9);
        assertThat(cli.out()).startsWith("soon: access token expires in 40m and is not refreshed yet");
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
    void jsonAndLead_outsideTheirCommands_areUsageErrors() {
        assertThat(cli.run("--check", "--json")).isEqualTo(2);
        assertThat(cli.err()).startsWith("Error: --json goes with --list\n");
        cli.clearErr();
        assertThat(cli.run("--reload", "x", "--lead", "2h")).isEqualTo(2);
        assertThat(cli.err()).startsWith("Error: --lead goes with --check or --list\n");
        cli.clearErr();
        assertThat(cli.run("--check", "--lead", "0m")).isEqualTo(2);
        assertThat(cli.err())
                .startsWith("Error: Invalid value for option '--lead': give a duration above zero, not 0m\n");
        assertThat(cli.api().requests()).isEmpty();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
