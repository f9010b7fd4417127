package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stack's health verdict against infra/local-run --serve --token-lifetime 1m, the setting that
 * once showed a healthy account as sick: tokens live a minute, the lead window is 20 s and the
 * schedule runs every 5 s. While the schedule runs, {@code reauth --check} exits 0 and the dashboard
 * card stays green through refreshes; once the schedule is stopped, both flag the account as overdue,
 * two schedule periods after its refresh was due (before its token expires).
 */
class HealthIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STARTUP = Duration.ofMinutes(3);
    /** Long enough for two refreshes of a 1-minute token (each 20 s before it expires). */
    private static final Duration WATCHED = Duration.ofSeconds(100);

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void checkAndDashboard_stayGreenWhileTheScheduleRuns_andFlagTheAccountOnceItStops() throws Exception {
        Path work = Files.createTempDirectory("reauth-health-");
        CliTerminals terminals = new CliTerminals(work);
        Process localRun = LocalRunProcess.start("--serve", "--port", "0", "--token-lifetime", "1m");
        LocalRunScreen screen = new LocalRunScreen(localRun);
        try {
            String api = screen.await("^Serving the API on (http://127\\.0\\.0\\.1:\\d+) \\(Ctrl-C stops\\)", STARTUP);
            String controls = screen.await(
                    "^  curl -s -X POST '(http://127\\.0\\.0\\.1:\\d+)/schedule\\?running=false'", STARTUP);
            try (DashboardProcess dashboard = DashboardProcess.start(api, terminals, work)) {
                // the schedule runs: refreshes happen, and nobody is told anything is wrong
                long refreshesBefore = screen.count("schedule  1 due: 1 refreshed");
                Instant until = Instant.now().plus(WATCHED);
                int checks = 0;
                while (Instant.now().isBefore(until)) {
                    ScriptRun check = ScriptRun.of("cli/reauth", env(work, api), "--check");
                    assertThat(check.exitCode())
                            .as(check.stdout() + check.stderr())
                            .isZero();
                    assertThat(check.stdout()).matches("the 1 account is healthy( \\(1 refreshing now\\))?\\n");
                    JsonNode card = demoCard(dashboard);
                    assertThat(card.path("healthy").asBoolean())
                            .as(card.toString())
                            .isTrue();
                    assertThat(card.path("state").asText()).isIn("healthy", "refreshing");
                    checks++;
                    Thread.sleep(2_000);
                }
                assertThat(checks).isGreaterThan(10);
                assertThat(screen.count("schedule  1 due: 1 refreshed") - refreshesBefore)
                        .as("refreshes while watched")
                        .isGreaterThanOrEqualTo(1);

                // the schedule stops: the stack's verdict turns once the refresh is two periods overdue
                assertThat(post(controls + "/schedule?running=false")).isEqualTo("the refresh schedule is stopped\n");
                JsonNode flagged = awaitVerdict(api, "attention", Duration.ofSeconds(90));
                assertThat(flagged.path("reasons").toString()).isEqualTo("[\"refresh_overdue\"]");
                assertThat(flagged.path("summary").asText())
                        .matches("access token expires in \\d+s and was due for refresh \\d+s ago"
                                + " \\(is the refresh schedule running\\?\\)");

                ScriptRun check = ScriptRun.of("cli/reauth", env(work, api), "--check");
                assertThat(check.exitCode()).as(check.stderr()).isEqualTo(9);
                assertThat(check.stdout()).matches("demo: attention \\((refresh_overdue|expired)\\): .*; fix: .*\\n");
                JsonNode card = demoCard(dashboard);
                assertThat(card.path("healthy").asBoolean()).isFalse();
                assertThat(card.path("health").asText()).startsWith("Attention (");
            }
        } finally {
            localRun.descendants().forEach(ProcessHandle::destroy);
            localRun.destroy();
            CliTerminals.remove(work);
        }
    }

    private static Map<String, String> env(Path work, String api) {
        return Map.of("XDG_CACHE_HOME", work.resolve("cache").toString(), "REAUTH_API_URL", api);
    }

    /** The demo account's verdict straight from GET /accounts, polled until it is {@code state}. */
    private JsonNode awaitVerdict(String api, String state, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode health = null;
        while (Instant.now().isBefore(deadline)) {
            JsonNode body = JSON.readTree(get(api + "/accounts"));
            for (JsonNode account : body.path("accounts")) {
                if (account.path("name").asText().equals("demo")) {
                    health = account.path("health");
                }
            }
            if (health != null && health.path("state").asText().equals(state)) {
                return health;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("demo never became " + state + "; last verdict: " + health);
    }

    private JsonNode demoCard(DashboardProcess dashboard) throws Exception {
        for (JsonNode card : JSON.readTree(get(dashboard.url + "api/accounts")).path("accounts")) {
            if (card.path("name").asText().equals("demo")) {
                return card;
            }
        }
        throw new AssertionError("the dashboard shows no demo account");
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    private String post(String url) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
