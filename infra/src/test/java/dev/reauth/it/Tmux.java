package dev.reauth.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A terminal a test types into: a detached tmux session running one command, read with capture-pane.
 * Each terminal has its own tmux server (its own socket): on a shared default server, a session
 * started while another test or user ended the server's last one fails with "server exited unexpectedly".
 */
final class Tmux implements AutoCloseable {

    private final String session = "reauth-" + UUID.randomUUID().toString().substring(0, 8);
    private final String socket =
            Path.of(System.getProperty("java.io.tmpdir"), session + ".tmux").toString();

    /** Runs {@code command} with exactly {@code env} in a fresh 250x50 terminal; "[exit N]" is printed at the end. */
    Tmux(List<String> command, Map<String, String> env) {
        String envPart = env.entrySet().stream()
                .map(e -> e.getKey() + "=" + quote(e.getValue()))
                .collect(Collectors.joining(" "));
        String commandPart = command.stream().map(Tmux::quote).collect(Collectors.joining(" "));
        run(
                "tmux",
                "-S",
                socket,
                "new-session",
                "-d",
                "-s",
                session,
                "-x",
                "250",
                "-y",
                "50",
                "env -i " + envPart + " " + commandPart + "; echo \"[exit $?]\"; sleep 600");
    }

    /** Types a line, as an operator pasting would, then Enter. */
    void typeLine(String text) {
        run("tmux", "-S", socket, "send-keys", "-t", session, "-l", "--", text); // "--": a code may start with "-"
        run("tmux", "-S", socket, "send-keys", "-t", session, "Enter");
    }

    /** The screen, wrapped lines joined. */
    String screen() {
        return run("tmux", "-S", socket, "capture-pane", "-p", "-J", "-t", session, "-S", "-500");
    }

    /** Waits until the screen matches {@code regex}; returns the first match's group 1 (or the whole match). */
    String await(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
        long deadline = System.nanoTime() + timeout.toNanos();
        String screen = "";
        while (System.nanoTime() < deadline) {
            screen = screen();
            Matcher m = pattern.matcher(screen);
            if (m.find()) {
                return m.groupCount() > 0 ? m.group(1) : m.group();
            }
            sleep(50);
        }
        throw new AssertionError("the terminal never showed /" + regex + "/; it shows:\n" + screen);
    }

    /** Waits for the command to end; its exit code. */
    int awaitExit(Duration timeout) {
        return Integer.parseInt(await("^\\[exit (\\d+)]$", timeout));
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private static String run(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "the terminal tests need tmux: install it (Debian and Ubuntu: apt-get install tmux;"
                            + " Fedora: dnf install tmux; macOS: brew install tmux)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            new ProcessBuilder("tmux", "-S", socket, "kill-server").start().waitFor();
            Files.deleteIfExists(Path.of(socket));
        } catch (IOException e) {
            // already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
