package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.LocalDeployment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code reauth link NAME} and {@code reauth link --revoke NAME} through the real launcher and jar, against the local stack. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliLinkIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LocalDeployment local;
    private Path work;
    private CliTerminals terminals;
    private final Set<String> secrets = new HashSet<>();

    @BeforeAll
    void start() throws IOException {
        LogCapture.install();
        local = LocalDeployment.withLocalProvider(0, Map.of());
        work = Files.createTempDirectory("reauth-cli-link-");
        terminals = new CliTerminals(work);
    }

    @AfterAll
    void stop() {
        try {
            SystemIT.assertNoSecretsLogged(secrets);
        } finally {
            local.close();
            CliTerminals.remove(work);
        }
    }

    @Test
    void link_printsALinkWhosePageWorks_andRevoke_endsIt() throws Exception {
        local.aws().seedAccount("cli-linked", Map.of());
        String link;
        try (Tmux terminal = terminals.cli(local, Map.of(), "link", "cli-linked", "--bind-first-login")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isZero();
            String screen = terminal.screen();
            assertThat(screen)
                    .containsPattern("One-time re-auth link for account 'cli-linked' \\(works once; valid until"
                            + " \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\S+, 23h 5\\dm from now\\):");
            Matcher url = Pattern.compile("^(http://127\\.0\\.0\\.1:\\d+/r/[A-Za-z0-9_-]{43})$", Pattern.MULTILINE)
                    .matcher(screen);
            assertThat(url.find()).as(screen).isTrue();
            link = url.group(1);
            secrets.add(ReauthSystem.tokenOf(link));
        }
        assertThat(page(link).statusCode()).isEqualTo(200);
        assertThat(page(link).body()).contains("Re-authenticate <span class=\"account\">cli-linked</span>");

        try (Tmux terminal = terminals.cli(local, Map.of(), "link", "--revoke", "cli-linked")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isZero();
            assertThat(terminal.screen())
                    .contains("Revoked the re-auth link of account 'cli-linked'; it no longer works.");
        }
        assertThat(page(link).statusCode()).isEqualTo(410);
        assertThat(page(link).body()).contains("This link was revoked");

        try (Tmux terminal = terminals.cli(local, Map.of(), "link", "cli-linked", "--revoke")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isZero();
            assertThat(terminal.screen()).contains("Account 'cli-linked' had no live re-auth link; nothing to revoke.");
        }
    }

    @Test
    void link_forAnUnknownAccount_isOneLine_andExitCode3() {
        try (Tmux terminal = terminals.cli(local, Map.of(), "link", "nobody-by-that-name")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isEqualTo(3);
            assertThat(terminal.screen())
                    .contains("Error: account 'nobody-by-that-name' not found")
                    .doesNotContain("Exception");
        }
        try (Tmux terminal = terminals.cli(local, Map.of(), "link", "--revoke", "nobody-by-that-name")) {
            assertThat(terminal.awaitExit(CliTerminals.WAIT)).isEqualTo(3);
        }
    }

    private static HttpResponse<String> page(String link) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(link)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
