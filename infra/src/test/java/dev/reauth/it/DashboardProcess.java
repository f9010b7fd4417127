package dev.reauth.it;

import dev.reauth.local.LocalDeployment;
import dev.reauth.local.ProjectFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code reauth dashboard --no-browser} run from the launcher, as an operator runs it: its address read from its output. */
final class DashboardProcess implements AutoCloseable {

    private static final Pattern ADDRESS =
            Pattern.compile("^Dashboard: (http://127\\.0\\.0\\.1:\\d+/[A-Za-z0-9_-]{43}/)$");

    final String url;
    private final Process process;
    private final Path stderr;

    private DashboardProcess(Process process, Path stderr, String url) {
        this.process = process;
        this.stderr = stderr;
        this.url = url;
    }

    static DashboardProcess start(LocalDeployment deployment, CliTerminals terminals, Path work) throws Exception {
        return start(deployment.api().baseUrl().toString(), terminals, work);
    }

    /** The dashboard over the API at {@code apiUrl} (for example another process's local run). */
    static DashboardProcess start(String apiUrl, CliTerminals terminals, Path work) throws Exception {
        Path stderr = Files.createTempFile(work, "dashboard-", ".err");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        ProjectFiles.root().resolve("cli/reauth").toString(),
                        "dashboard",
                        "--no-browser",
                        "--api-url",
                        apiUrl))
                .redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().putAll(terminals.env(Map.of()));
        Process process = builder.start();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String url = CompletableFuture.supplyAsync(() -> {
                    try {
                        for (String line; (line = out.readLine()) != null; ) {
                            Matcher address = ADDRESS.matcher(line);
                            if (address.matches()) {
                                return address.group(1);
                            }
                        }
                        return null;
                    } catch (IOException e) {
                        return null;
                    }
                })
                .get(CliTerminals.WAIT.toSeconds(), TimeUnit.SECONDS);
        if (url == null) {
            process.destroy();
            throw new AssertionError("reauth dashboard printed no address: " + Files.readString(stderr));
        }
        // keep reading, so that the process never blocks on a full pipe
        Thread.ofVirtual().start(() -> {
            try {
                out.transferTo(Writer.nullWriter());
            } catch (IOException e) {
                // the process ended
            }
        });
        return new DashboardProcess(process, stderr, url);
    }

    /** The per-run secret: the first segment of the address's path. */
    String secret() {
        return url.replaceFirst("^http://[^/]+/", "").replace("/", "");
    }

    String stderr() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
