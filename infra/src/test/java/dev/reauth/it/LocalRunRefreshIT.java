package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * infra/local-run --serve --token-lifetime 1m, watched as a person watches it: the schedule refreshes
 * demo's 1-minute token, a provider 500 is a failed refresh, a refresh token revoked at the provider
 * is found dead, the fleet hears of it, the proxy server stops serving the account, an alert
 * arrives, and the reauth --check command the banner prints says what to do.
 */
class LocalRunRefreshIT {

    private static final Duration STARTUP = Duration.ofMinutes(3);
    /** A 1-minute token is refreshed 20 s before it expires; with the schedule every 5 s, well within this. */
    private static final Duration NEXT_REFRESH = Duration.ofSeconds(90);
    /** The backoff after one failed refresh is 1 minute. */
    private static final Duration AFTER_BACKOFF = Duration.ofSeconds(120);

    @Test
    void serve_runsTheScheduleAndPrintsRefreshesFailuresDeadTokensAndAlerts() throws Exception {
        Process localRun = LocalRunProcess.start("--serve", "--port", "0", "--token-lifetime", "1m");
        LocalRunScreen screen = new LocalRunScreen(localRun);
        try {
            String api = screen.await("^Serving the API on (http://127\\.0\\.0\\.1:\\d+) \\(Ctrl-C stops\\)", STARTUP);
            screen.await(
                    "^(Refresh schedule: every 5 s against the emulator) \\(RefreshFunction; EventBridge runs it in AWS\\), lead window 20s\\.$",
                    STARTUP);
            screen.await(
                    "^(The local provider's access tokens live 1m) \\(--token-lifetime\\): each is refreshed 20s before it expires\\.$",
                    STARTUP);
            String controls =
                    screen.await("^  curl -s -X POST '(http://127\\.0\\.0\\.1:\\d+)/revoke\\?account=demo'", STARTUP);
            String check = screen.await("^  (REAUTH_API_URL=\\S+ reauth --check)\\s", STARTUP);
            assertThat(check).isEqualTo("REAUTH_API_URL=" + api + " reauth --check");

            // the schedule refreshes demo's token before it expires; the fleet hears of it and the proxy flushes
            screen.await("^\\[\\d\\d:\\d\\d:\\d\\d] (schedule  1 due: 1 refreshed)$", NEXT_REFRESH);
            screen.await(
                    "^\\[\\d\\d:\\d\\d:\\d\\d] (fleet     demo: tokens rotated, token_version 6)  \\[account\\.tokens\\.rotated]$",
                    NEXT_REFRESH);
            screen.await(
                    "^\\[\\d\\d:\\d\\d:\\d\\d] (proxy     demo: the proxy server flushed its cached tokens \\(token_version 6\\))$",
                    NEXT_REFRESH);

            // the provider fails the next refresh, and its owner signs out everywhere
            assertThat(post(controls + "/fail?count=1")).isEqualTo("the next 1 refresh request(s) will fail\n");
            assertThat(post(controls + "/revoke?account=demo"))
                    .isEqualTo("revoked demo's refresh token at the local provider\n");
            screen.await(
                    "^\\[\\d\\d:\\d\\d:\\d\\d] (provider  demo: refresh token revoked) \\(as when its owner signs out everywhere\\)",
                    NEXT_REFRESH);
            screen.await(
                    "^\\[\\d\\d:\\d\\d:\\d\\d] (schedule  1 due: 1 failed) \\(tried again after a backoff\\)$",
                    NEXT_REFRESH);
            // after the backoff: invalid_grant on the refresh token reauth issued last, so demo is dead; the 500
            // before it may have come after the provider rotated (issue 17), so reauth names it rotation_lost
            screen.await("^\\[\\d\\d:\\d\\d:\\d\\d] (schedule  1 due: 1 found dead)$", AFTER_BACKOFF);
            screen.await(
                    "^\\[\\d\\d:\\d\\d:\\d\\d] (fleet     demo: requires re-authentication \\(rotation_lost\\), token_version 6)"
                            + "  \\[account\\.reauth\\.required]$",
                    NEXT_REFRESH);
            screen.await(
                    "^\\[\\d\\d:\\d\\d:\\d\\d] (proxy     demo: the proxy server stops serving it \\(requires re-authentication: rotation_lost\\))$",
                    NEXT_REFRESH);
            screen.await(
                    "^\\[\\d\\d:\\d\\d:\\d\\d] (ALERT     dead: demo: Rotation lost: the provider rotated and its answer never arrived).*"
                            + " Fix: (open http://127\\.0\\.0\\.1:\\d+/r/\\S+ .*, or run: )?reauth --reauthenticate demo$",
                    NEXT_REFRESH);

            // the banner's check command says the same, in one line, with exit code 9
            ScriptRun run = ScriptRun.of("cli/reauth", Map.of("REAUTH_API_URL", api), "--check");
            assertThat(run.exitCode()).as(run.stderr()).isEqualTo(9);
            assertThat(run.stdout())
                    .startsWith("demo: dead (rotation_lost")
                    .contains("): requires re-authentication since ")
                    .endsWith("; fix: reauth --reauthenticate demo\n");
            // the fleet library's own log line went to the function log, not between the watch lines
            assertThat(screen.text()).doesNotContain("Exception", "markDead", "not serving it");
        } finally {
            localRun.descendants().forEach(ProcessHandle::destroy);
            localRun.destroy();
        }
    }

    private static String post(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
