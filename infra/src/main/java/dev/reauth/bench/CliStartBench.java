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
 * The CLI's start-to-prompt time: from launching {@code cli/reauth --reauthenticate NAME} (the launcher
 * script, JVM start, the start call to the local API, the browser hand-off) to the code prompt on
 * screen. The first run creates the class-data archive and is shown apart. Prints; asserts nothing.
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
            long first = startToPrompt(local, cache);
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                times.add(startToPrompt(local, cache));
            }
            List<Long> sorted = times.stream().sorted().toList();
            out.printf(
                    "CLI start to prompt (cli/reauth --reauthenticate, local API, JVM %s), %d runs:%n",
                    System.getProperty("java.version"), runs);
            out.printf("  first run (creates the class-data archive): %d ms%n", first);
            out.printf(
                    "  then: median %d ms, min %d ms, max %d ms   target < 1000 ms: %s%n",
                    sorted.get(sorted.size() / 2),
                    sorted.getFirst(),
                    sorted.getLast(),
                    sorted.get(sorted.size() / 2) < 1000 ? "met" : "NOT met");
        }
        System.exit(0);
    }

    private static long startToPrompt(LocalDeployment local, Path cache) throws IOException, InterruptedException {
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
            while ((n = in.read(buffer)) > 0) {
                seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                if (seen.indexOf(PROMPT) >= 0) {
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    process.getOutputStream().close();
                    process.waitFor();
                    return millis;
                }
            }
        }
        throw new IllegalStateException("the CLI never prompted:\n" + seen);
    }
}
