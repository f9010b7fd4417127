package dev.reauth.it;

import dev.reauth.local.ProjectFiles;
import dev.reauth.recorder.AwsCallRecorder;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One run of a project script (infra/local-run, infra/invoke, cli/install) as a person types it: exit code, stdout, stderr. */
record ScriptRun(int exitCode, String stdout, String stderr) {

    /** Runs {@code script} (relative to the project root) with {@code args}, this JDK, and {@code env} added. */
    static ScriptRun of(String script, Map<String, String> env, String... args) {
        List<String> command =
                new ArrayList<>(List.of(ProjectFiles.root().resolve(script).toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("reauth-script-", ".out");
            Path err = Files.createTempFile("reauth-script-", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command)
                        .directory(ProjectFiles.root().toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
                String record = System.getProperty(AwsCallRecorder.RECORD);
                if (record != null) {
                    // a script's JVM (infra/local-run) records its functions' AWS calls with the ITs'
                    builder.environment().put(AwsCallRecorder.RECORD, record);
                }
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroy);
                    process.destroy();
                    throw new AssertionError(script + " did not end within 2 minutes");
                }
                return new ScriptRun(
                        process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Everything the person saw. */
    String screen() {
        return stdout + stderr;
    }
}
