package dev.reauth.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The process's output, read line by line as it comes; a pattern can be awaited over every line so far. */
final class LocalRunScreen {
    private final List<String> lines = new CopyOnWriteArrayList<>();

    LocalRunScreen(Process process) {
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process ended
            }
        });
    }

    /** Group 1 of the first line matching {@code regex}, waiting up to {@code timeout} for it. */
    String await(String regex, Duration timeout) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : lines) {
                Matcher m = pattern.matcher(line);
                if (m.find()) {
                    return m.group(1);
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("infra/local-run never printed /" + regex + "/; it printed:\n" + text());
    }

    /** How many lines so far match {@code regex}. */
    long count(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return lines.stream().filter(line -> pattern.matcher(line).find()).count();
    }

    String text() {
        return String.join("\n", lines);
    }
}
