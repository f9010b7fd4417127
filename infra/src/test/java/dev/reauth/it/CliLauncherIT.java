package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.ProjectFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** cli/reauth, the launcher: finds its JDK once and remembers it; keeps one class-data archive per jar, of its build. */
class CliLauncherIT {

    private static final String JAR =
            ProjectFiles.root().resolve("cli/target/reauth-cli.jar").toString();

    @Test
    void theJdkIsFoundOnce_andRemembered_untilJavaHomeChanges() throws Exception {
        Path cache = Files.createTempDirectory("reauth-launcher-");
        String javaHome = System.getProperty("java.home");
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString(), "JAVA_HOME", javaHome);

        ScriptRun first = ScriptRun.of("cli/reauth", env, "--version");
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        Path remembered = cache.resolve("reauth/java");
        List<String> choice = Files.readAllLines(remembered);
        assertThat(choice.subList(0, 2)).containsExactly(javaHome, javaHome + "/bin/java");

        // a remembered java is used as it is, without asking its version again (this one would fail the check)
        Path fake = cache.resolve("fake-java");
        Files.writeString(fake, "#!/bin/sh\necho 'the remembered java ran'\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        Files.write(
                remembered,
                List.of(
                        javaHome,
                        fake.toString(),
                        Long.toString(Files.getLastModifiedTime(fake).toMillis() / 1000)));
        assertThat(ScriptRun.of("cli/reauth", env, "--version").stdout()).isEqualTo("the remembered java ran\n");

        // another JAVA_HOME is another choice: the launcher looks again, and the fake fails the version check
        Map<String, String> other = Map.of(
                "XDG_CACHE_HOME",
                cache.toString(),
                "JAVA_HOME",
                "/nonexistent",
                "PATH",
                javaHome + "/bin:" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        ScriptRun again = ScriptRun.of("cli/reauth", other, "--version");
        assertThat(again.stdout()).startsWith("reauth ");
        assertThat(Files.readAllLines(remembered).getFirst()).isEqualTo("/nonexistent");
        CliTerminals.remove(cache);
    }

    @Test
    void anArchiveOlderThanTheJar_isMadeAnew_byACommand_andArchivesNamedTheOlderWaysArePruned() throws Exception {
        Path cache = Files.createTempDirectory("reauth-launcher-");
        Path dir = Files.createDirectories(cache.resolve("reauth"));
        String key = ScriptRun.of("/bin/sh", Map.of(), "-c", "printf '%s' '" + JAR + "' | cksum | cut -d' ' -f1")
                .stdout()
                .strip();
        Files.writeString(dir.resolve("cli-" + key + "-1.jsa"), "an earlier build of this jar, named per build");
        Files.writeString(dir.resolve("cli-1700000000.jsa"), "named before archives were per jar");
        Files.writeString(dir.resolve("cli-42-1.jsa"), "another jar's, named per build (an installed copy)");
        Path ours = dir.resolve("cli" + JAR.replaceAll("[^A-Za-z0-9]", "_") + ".jsa");
        Files.writeString(ours, "made from an earlier build of this jar");
        Files.setLastModifiedTime(
                ours,
                FileTime.fromMillis(Files.getLastModifiedTime(Path.of(JAR)).toMillis() - 60_000));

        Map<String, String> env =
                Map.of("XDG_CACHE_HOME", cache.toString(), "JAVA_HOME", System.getProperty("java.home"));

        // --version deletes the stale archive but makes none: it would hold --version's classes only
        assertThat(ScriptRun.of("cli/reauth", env, "--version").exitCode()).isZero();
        assertThat(ours).doesNotExist();
        // a command makes it (the API is closed: exit 6, the archive is written at exit all the same)
        ScriptRun run = ScriptRun.of("cli/reauth", env, "--api-url", "http://127.0.0.1:1", "--list");

        assertThat(run.exitCode()).as(run.stderr()).isEqualTo(6);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".jsa")))
                    .containsExactlyInAnyOrder(
                            "cli-42-1.jsa", ours.getFileName().toString());
        }
        // the JVM wrote a real archive in place of the stale one at exit
        assertThat(Files.size(ours)).isGreaterThan(100_000);
        CliTerminals.remove(cache);
    }
}
