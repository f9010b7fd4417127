package dev.reauth.local;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs one function of the packaged jar the way Lambda's java21 runtime does, without Docker: a
 * task root laid out as the deployed artifact (the jar in lib/), the Java runtime interface client
 * loading the handler from there, under the AWS Lambda Runtime Interface Emulator, with the
 * JVM options of the managed runtime. {@link #invoke} posts an event as {@code sam local invoke} would.
 */
public final class LambdaRuntimeEmulator implements AutoCloseable {

    /**
     * JVM options of Lambda's managed Java runtime (besides the heap size it derives from memory); the
     * org.crac one bridges the functions' CRaC hooks to the runtime client, as SnapStart does.
     */
    private static final List<String> MANAGED_RUNTIME_JVM_OPTIONS = List.of(
            "-XX:+TieredCompilation",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-Xshare:auto",
            "-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac",
            "-Djava.net.preferIPv4Stack=true");

    private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    private final Process process;
    private final URI invokeUrl;
    private final Path taskRoot;
    private final Path log;
    private final Thread cleanUpAtExit = new Thread(this::stopAndCleanUp);
    private final HttpClient http = HttpClient.newHttpClient();

    private LambdaRuntimeEmulator(Process process, URI invokeUrl, Path taskRoot, Path log) {
        this.process = process;
        this.invokeUrl = invokeUrl;
        this.taskRoot = taskRoot;
        this.log = log;
    }

    /** Where the emulator's output goes while it runs (.tools/logs/rie-*.log, each removed on close). */
    public static Path logDirectory() {
        return ProjectFiles.root().resolve(".tools").resolve("logs");
    }

    /** The environment variable naming the file the test-only AWS call recorder writes (IamEvaluationIT). */
    public static final String AWS_CALL_RECORD = "REAUTH_AWS_CALL_RECORD";

    /** What to run: a handler from a jar, with the function's memory, timeout and environment. */
    public record Function(
            String handler,
            Path jar,
            int memoryMb,
            int timeoutSeconds,
            Map<String, String> environment,
            List<String> extraJvmOptions) {}

    /** Starts a function fresh (a cold start happens on the first invoke); {@link #close} removes what it left on disk. */
    public static LambdaRuntimeEmulator start(Function function) {
        Path root = ProjectFiles.root();
        try {
            Path rie = Path.of(
                    run(root.resolve("infra/lambda-rie").toString(), "install").strip());
            Path taskRoot = taskRootWith(function.jar());
            if (function.environment().containsKey(AWS_CALL_RECORD)) {
                // the test-only AWS call recorder (a global SDK interceptor) beside the functions jar, in the
                // class loader that loads the SDK; IamEvaluationIT names the file it writes
                taskRootAdd(taskRoot, root.resolve("aws-call-recorder/target/reauth-aws-call-recorder.jar"));
            }
            String runtimeClasspath;
            try (Stream<Path> jars = Files.list(root.resolve("infra/target/lambda-runtime"))) {
                runtimeClasspath = jars.map(Path::toString).sorted().collect(Collectors.joining(":"));
            }
            int invokePort = AwsEmulator.freePort();
            int runtimeApiPort = AwsEmulator.freePort();
            List<String> command = new ArrayList<>(List.of(
                    rie.toString(),
                    "--runtime-interface-emulator-address",
                    "127.0.0.1:" + invokePort,
                    "--runtime-api-address",
                    "127.0.0.1:" + runtimeApiPort,
                    javaBinary().toString()));
            command.addAll(MANAGED_RUNTIME_JVM_OPTIONS);
            command.add("-Xmx" + (function.memoryMb() * 85 / 100) + "m");
            command.addAll(function.extraJvmOptions());
            command.addAll(List.of("-cp", runtimeClasspath, RIC_MAIN, function.handler()));

            Map<String, String> env = new HashMap<>(function.environment());
            env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
            env.put("AWS_LAMBDA_FUNCTION_NAME", function.handler().replaceAll("[^A-Za-z0-9]", "-"));
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(function.memoryMb()));
            env.put("AWS_LAMBDA_FUNCTION_TIMEOUT", Integer.toString(function.timeoutSeconds()));
            env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
            env.put("_HANDLER", function.handler());
            // the emulator's own log level; a benchmark asks for "info" to read its init and invoke durations
            env.putIfAbsent("LOG_LEVEL", "error");

            Files.createDirectories(logDirectory());
            Path log = Files.createTempFile(
                    logDirectory(), "rie-" + function.handler().replaceAll(".*\\.|::.*", "") + "-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(taskRoot.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().clear();
            builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            builder.environment().putAll(env);
            Process process = builder.start();
            LambdaRuntimeEmulator emulator = new LambdaRuntimeEmulator(
                    process,
                    URI.create("http://127.0.0.1:" + invokePort + "/2015-03-31/functions/function/invocations"),
                    taskRoot,
                    log);
            Runtime.getRuntime().addShutdownHook(emulator.cleanUpAtExit);
            try {
                emulator.awaitListening(invokePort);
            } catch (RuntimeException e) {
                emulator.close();
                throw e;
            }
            return emulator;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Runtime Interface Emulator", e);
        }
    }

    /** Invokes the function with an event, as Lambda would: the response payload as JSON text. */
    public String invoke(String eventJson) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(invokeUrl)
                            .timeout(Duration.ofMinutes(2))
                            .POST(HttpRequest.BodyPublishers.ofString(eventJson))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "invoke answered " + response.statusCode() + ": " + response.body() + "\n" + output());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("invoke failed\n" + output(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What the emulator and the function printed so far (the function's log lines among them). */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    private void awaitListening(int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Runtime Interface Emulator exited:\n" + output());
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("the Runtime Interface Emulator did not listen within 20 s:\n" + output());
    }

    /**
     * A task root laid out as the artifact `sam build` makes: the jar in lib/, where the runtime loads
     * it. A link to the jar, not a copy: tests start hundreds of functions.
     */
    private static Path taskRootWith(Path jar) throws IOException {
        Path taskRoot = Files.createTempDirectory("reauth-task-");
        Files.createDirectories(taskRoot.resolve("lib"));
        taskRootAdd(taskRoot, jar);
        return taskRoot;
    }

    private static void taskRootAdd(Path taskRoot, Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (./mvnw package)");
        }
        Path lib = taskRoot.resolve("lib");
        try {
            Files.createSymbolicLink(lib.resolve(jar.getFileName()), jar.toAbsolutePath());
        } catch (UnsupportedOperationException | IOException noLinks) {
            Files.copy(jar, lib.resolve(jar.getFileName()));
        }
    }

    private static Path javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (InputStream in = p.getInputStream()) {
            String out = new String(in.readAllBytes());
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed");
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /**
     * Kills the function and the emulator at once (SIGKILL), as Lambda ends a function that hangs or
     * times out: nothing in the function runs after this, no shutdown hook, no finally block.
     * {@link #close} still removes what it left on disk.
     */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the emulator and the function, and removes the task root and the log. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(cleanUpAtExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it cleans up
        }
        stopAndCleanUp();
    }

    private void stopAndCleanUp() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteQuietly(log);
        if (Files.isDirectory(taskRoot)) {
            try (Stream<Path> files = Files.walk(taskRoot)) {
                files.sorted(Comparator.reverseOrder()).forEach(LambdaRuntimeEmulator::deleteQuietly);
            } catch (IOException e) {
                // a left-over task root in the temp directory is harmless: it holds a link, not the jar
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // nothing useful to do: the next run does not depend on it
        }
    }
}
