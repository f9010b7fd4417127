package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * infra/local-run as a newcomer meets it: its mistakes answer at once in one line, before anything
 * is installed or built; and what --serve prints is enough to drive the CLI against it.
 */
class LocalRunScriptIT {

    @Test
    void help_answersAtOnce_withoutInstallingOrBuilding() {
        ScriptRun run = ScriptRun.of("infra/local-run", Map.of(), "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout())
                .startsWith("usage: infra/local-run [--serve] [--port N] [--anthropic] [--token-lifetime DURATION]")
                .contains(
                        "--port N",
                        "run the refresh schedule every 5 s",
                        "the refresher's lead window is a third of it");
        assertThat(run.screen()).doesNotContain("Building", "Installing");
    }

    @Test
    void portThatIsNotANumber_isOneLine_beforeAnyBuild() {
        ScriptRun run = ScriptRun.of("infra/local-run", Map.of(), "--port", "abc");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).isEqualTo("infra/local-run: --port needs a number from 0 to 65535, not 'abc'\n");
        assertThat(run.stdout()).isEmpty();
    }

    @Test
    void tokenLifetime_outOfRange_orWithoutServe_isOneLine_beforeAnyBuild() {
        ScriptRun tooShort = ScriptRun.of("infra/local-run", Map.of(), "--serve", "--token-lifetime", "30s");
        ScriptRun notServing = ScriptRun.of("infra/local-run", Map.of(), "--token-lifetime", "2m");

        assertThat(tooShort.exitCode()).isEqualTo(2);
        assertThat(tooShort.stderr())
                .isEqualTo(
                        "infra/local-run: --token-lifetime needs a duration from 1m to 24h (such as 2m, 90s or 1h), not '30s'\n");
        assertThat(notServing.exitCode()).isEqualTo(2);
        assertThat(notServing.stderr())
                .isEqualTo(
                        "infra/local-run: --token-lifetime goes with --serve (the refresh schedule runs while the API is served)\n");
        assertThat(tooShort.screen() + notServing.screen()).doesNotContain("Building", "Installing");
    }

    @Test
    void unknownOption_isAUsageError() {
        ScriptRun run = ScriptRun.of("infra/local-run", Map.of(), "--serv");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).startsWith("infra/local-run: unknown option '--serv'\nusage: infra/local-run");
        assertThat(run.screen()).doesNotContain("Building");
    }

    @Test
    void busyPort_saysSo_andWhatToDo() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();

            ScriptRun run = ScriptRun.of("infra/local-run", Map.of(), "--port", Integer.toString(port));

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.stderr()).isEqualTo("infra/local-run: port " + port + " is in use; try --port 0\n");
            assertThat(run.screen()).doesNotContain("Building", "Exception");
        }
    }

    /** The Java side of the script (the script adds arguments checks and the build, which the test build already did). */
    @Test
    void serveBanner_namesTheExactCliCommand_andTheLocalProvidersCodePage_thatThenWork() throws Exception {
        Process localRun = LocalRunProcess.start("--serve", "--port", "0");
        try (BufferedReader screen =
                new BufferedReader(new InputStreamReader(localRun.getInputStream(), StandardCharsets.UTF_8))) {
            // first the run's own re-authentication: the CLI's flow, with the run playing the browser at the local
            // provider
            awaitGroup(screen, Pattern.compile("^(Re-authenticating account: demo)$"));
            assertThat(List.of(screen.readLine(), screen.readLine(), screen.readLine(), screen.readLine()))
                    .containsExactly(
                            "Logging in at the local OAuth provider (this run plays the browser)...",
                            "Account 'demo' (owner@example.com) has been successfully re-authenticated",
                            "Token cache has been cleared for running servers",
                            "  [proxy server] flushed its cached tokens (token_version 5)");
            String api = awaitGroup(
                    screen, Pattern.compile("^Serving the API on (http://127\\.0\\.0\\.1:\\d+) \\(Ctrl-C stops\\)"));
            String next = awaitGroup(screen, Pattern.compile("^  (REAUTH_API_URL=\\S+ reauth --reauthenticate demo)$"));
            assertThat(next).isEqualTo("REAUTH_API_URL=" + api + " reauth --reauthenticate demo");
            assertThat(awaitGroup(screen, Pattern.compile("(curl -sL 'URL'), and its page shows the code#state")))
                    .isNotEmpty();

            // follow the banner: the CLI against that API, the URL it prints fetched as the banner says, its code
            // pasted
            Path work = Files.createTempDirectory("reauth-local-run-it-");
            try (Tmux terminal =
                    new CliTerminals(work).raw(Map.of("REAUTH_API_URL", api), "--reauthenticate", "demo")) {
                String url = terminal.await("^\\s+(http://\\S+/authorize\\?\\S+)$", CliTerminals.WAIT);
                String page = HttpClient.newBuilder()
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build()
                        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                        .body();
                Matcher code = Pattern.compile("<pre>([^<]+#[^<]+)</pre>").matcher(page);
                assertThat(code.find())
                        .as("the code page shows code#state: " + page)
                        .isTrue();
                terminal.await("Paste the authorization code", CliTerminals.WAIT);

                terminal.typeLine(code.group(1));

                assertThat(terminal.awaitExit(CliTerminals.WAIT)).isZero();
                assertThat(terminal.screen()).contains("Account 'demo'", "successfully re-authenticated");
            }
        } finally {
            localRun.descendants().forEach(ProcessHandle::destroy);
            localRun.destroy();
        }
    }

    private static String awaitGroup(BufferedReader screen, Pattern pattern) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        StringBuilder seen = new StringBuilder();
        String line;
        while (System.nanoTime() < deadline && (line = screen.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("infra/local-run never printed /" + pattern + "/; it printed:\n" + seen);
    }
}
