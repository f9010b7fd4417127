package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.ProjectFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cli/install as a person types it: --help, a prefix, a bin folder, and whether the result is on PATH. */
class InstallScriptIT {

    @Test
    void help_isHelp_notAPrefix() throws IOException {
        Path home = Files.createTempDirectory("reauth-install-it-");

        ScriptRun run = ScriptRun.of("cli/install", Map.of("HOME", home.toString()), "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).startsWith("usage: cli/install [PREFIX | BINDIR]");
        assertThat(home.resolve(".local")).doesNotExist();
        assertThat(ProjectFiles.root().resolve("--help")).doesNotExist();
    }

    @Test
    void binFolder_getsTheCommand_andSaysItIsNotOnPath() throws IOException {
        Path home = Files.createTempDirectory("reauth-install-it-");

        ScriptRun run = ScriptRun.of(
                "cli/install",
                Map.of("HOME", home.toString()),
                home.resolve("bin").toString());

        assertThat(run.exitCode()).as(run.screen()).isZero();
        assertThat(home.resolve("bin/reauth")).isExecutable();
        assertThat(home.resolve("lib/reauth/reauth-cli.jar")).isRegularFile();
        assertThat(home.resolve("bin/bin")).doesNotExist();
        assertThat(run.stdout())
                .contains("installed: " + home.resolve("bin/reauth"), home.resolve("bin") + " is not on PATH");
    }

    @Test
    void prefix_getsBinAndLib_andSaysWhenItIsOnPath() throws IOException {
        Path prefix = Files.createTempDirectory("reauth-install-it-");
        Path bin = prefix.resolve("bin");

        ScriptRun run =
                ScriptRun.of("cli/install", Map.of("PATH", bin + ":" + System.getenv("PATH")), prefix.toString());

        assertThat(run.exitCode()).as(run.screen()).isZero();
        assertThat(bin.resolve("reauth")).isExecutable();
        assertThat(run.stdout()).contains(bin + " is on PATH: try reauth --help");
        ScriptRun installed = ScriptRun.of(bin.resolve("reauth").toString(), Map.of(), "--version");
        assertThat(installed.stdout()).isEqualTo("reauth 0.1.0\n");
    }
}
