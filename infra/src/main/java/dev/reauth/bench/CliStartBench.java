package dev.reauth.bench;

import dev.reauth.local.LocalDeployment;
import dev.reauth.local.ProjectFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CLI's start times: from launching {@code cli/reauth --reauthenticate NAME} to its first output
 * (the launcher script, finding the JDK, JVM start: the line naming the API), and to the code prompt
 * on screen (then also the start call to the local API and the browser hand-off). The first run finds
 * the JDK and creates the class-data archive and is shown apart. Prints; asserts nothing.
 */
public final class CliStartBench {

    private static final String PROMPT = "Paste the authorization code";

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        PrintStream out = System.out;
        System.setOut(new PrintStream(PrintStream.nullOutputStream()));
        try (LocalDeployment local = LocalDeployment.withLocalProvider(0, Map.of())) {
            local.aws().seedAccount("bench", Map.of());
            Path cache = Files.createTempDirectory("reauth-cli-cache-");
            long[] first = startToPrompt(local, cache);
            List<Long> outputs = new ArrayList<>();
            List<Long> prompts = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long[] times = startToPrompt(local, cache);
                outputs.add(times[0]);
                prompts.add(times[1]);
            }
            out.printf(
                    "CLI start (cli/reauth --reauthenticate, local API, JVM %s), %d runs:%n",
                    System.getProperty("java.version"), runs);
            out.printf(
                    "  first run (finds the JDK, creates the class-data archive): first output %d ms, prompt %d ms%n",
                    first[0], first[1]);
            print(out, "first output", outputs, 300);
            print(out, "prompt", prompts, 1000);
        }
        System.exit(0);
    }

    private static void print(PrintStream out, String what, List<Long> times, long target) {
        List<Long> sorted = times.stream().sorted().toList();
        long median = sorted.get(sorted.size() / 2);
        out.printf(
                "  then, to %s: median %d ms, min %d ms, max %d ms   target <= %d ms: %s%n",
                what, median, sorted.getFirst(), sorted.getLast(), target, median <= target ? "met" : "NOT met");
    }

    /** Milliseconds to the first output and to the prompt. */
    private static long[] startToPrompt(LocalDeployment local, Path cache) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(
                        ProjectFiles.root().resolve("cli/reauth").toString(),
                        "--api-url",
                        local.api().baseUrl().toString(),
                        "--reauthenticate",
                        "bench")
                .redirectErrorStream(true);
        builder.environment().put("BROWSER", "true");
        builder.environment().put("XDG_CACHE_HOME", cache.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        long started = System.nanoTime();
        Process process = builder.start();
        StringBuilder seen = new StringBuilder();
        try (InputStream in = process.getInputStream()) {
            byte[] buffer = new byte[4096];
            int n;
            long firstOutput = -1;
            while ((n = in.read(buffer)) > 0) {
                if (firstOutput < 0) {
                    firstOutput = (System.nanoTime() - started) / 1_000_000;
                }
                seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                if (seen.indexOf(PROMPT) >= 0) {
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    process.getOutputStream().close();
                    process.waitFor();
                    return new long[] {firstOutput, millis};
                }
            }
        }
        throw new IllegalStateException("the CLI never prompted:\n" + seen);
    }
}
