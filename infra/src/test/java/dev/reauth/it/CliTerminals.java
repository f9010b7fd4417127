package dev.reauth.it;

import dev.reauth.local.LocalDeployment;
import dev.reauth.local.ProjectFiles;
import dev.reauth.recorder.AwsCallRecorder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/** Starts the installed-style launcher {@code cli/reauth} in a terminal (tmux), with a private home and a recording browser. */
final class CliTerminals {

    static final Duration WAIT = Duration.ofSeconds(30);

    private final Path work;

    CliTerminals(Path work) {
        this.work = work;
    }

    /** {@code reauth --api-url <deployment's API> args...}. */
    Tmux cli(LocalDeployment deployment, Map<String, String> extraEnv, String... args) {
        List<String> all =
                new ArrayList<>(List.of("--api-url", deployment.api().baseUrl().toString()));
        all.addAll(List.of(args));
        return raw(extraEnv, all.toArray(String[]::new));
    }

    /**
     * {@code reauth args...}, nothing added. With {@code --stack} (the CLI's one AWS SDK call, DescribeStacks) in
     * the recording ITs, the CLI's jar runs with the test-only recorder beside it, its call the operator's.
     */
    Tmux raw(Map<String, String> extraEnv, String... args) {
        String record = System.getProperty(AwsCallRecorder.RECORD);
        String cliJar = System.getProperty("reauth.cliJar");
        String recorderJar = System.getProperty("reauth.recorderJar");
        if (List.of(args).contains("--stack") && record != null && cliJar != null && recorderJar != null) {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    cliJar + ":" + recorderJar,
                    "dev.reauth.cli.ReauthCli"));
            command.addAll(List.of(args));
            Map<String, String> env = new HashMap<>(extraEnv);
            env.put(AwsCallRecorder.RECORD, record);
            env.put(AwsCallRecorder.CALLER, "OperatorPolicy");
            return new Tmux(command, env(env));
        }
        List<String> command = new ArrayList<>(
                List.of(ProjectFiles.root().resolve("cli/reauth").toString()));
        command.addAll(List.of(args));
        return new Tmux(command, env(extraEnv));
    }

    /**
     * The terminal's whole environment: a private HOME and cache, this JDK, no EC2 metadata lookups
     * (the SDK's credential and region chains would otherwise try 169.254.169.254), plus {@code extra}.
     */
    Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", work.toString());
        env.put("XDG_CACHE_HOME", work.resolve("cache").toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("TERM", "xterm");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.putAll(extra);
        return env;
    }

    /** A $BROWSER that records the URL it was asked to open, as the operator's browser would receive it. */
    Map<String, String> browserRecordingTo(Path urlFile) throws IOException {
        Path script = work.resolve("browser-" + UUID.randomUUID() + ".sh");
        Files.writeString(script, "#!/bin/sh\nprintf '%s' \"$1\" > '" + urlFile + "'\n");
        script.toFile().setExecutable(true);
        return Map.of("BROWSER", script.toString());
    }

    /** Removes a test's work folder (homes, caches, recording browsers). */
    static void remove(Path work) {
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a left-over folder in the temp directory holds a few small files
        }
    }

    static String awaitUrl(Path file) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && Files.size(file) > 0) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the browser was never opened");
    }
}
