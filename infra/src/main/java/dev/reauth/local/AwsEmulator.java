package dev.reauth.local;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The AWS-compatible endpoint the integration tests run against, resolved once per JVM:
 * {@code AWS_ENDPOINT_URL} when set; else Testcontainers' LocalStack module when a Docker engine
 * answers; else the PyPI emulator from {@code infra/emulator} on a free loopback port, stopped when
 * the JVM exits: MiniStack, or moto_server when MiniStack cannot be installed or cannot serve.
 */
public final class AwsEmulator {

    public static final String REGION = "us-east-1";
    /** LocalStack images after 4.14.0 need LOCALSTACK_AUTH_TOKEN; this one does not. */
    private static final String FREE_LOCALSTACK_IMAGE = "localstack/localstack:4.14.0";

    private static URI endpoint;
    private static String kind = "none";

    private AwsEmulator() {}

    public static synchronized URI endpoint() {
        if (endpoint == null) {
            endpoint = resolve();
        }
        return endpoint;
    }

    /** Which emulator serves: "ministack", "moto", "localstack", or "external" (AWS_ENDPOINT_URL, not recognised). */
    public static synchronized String kind() {
        endpoint();
        return kind;
    }

    private static URI resolve() {
        String configured = System.getenv("AWS_ENDPOINT_URL");
        if (configured != null && !configured.isBlank()) {
            URI uri = URI.create(configured);
            kind = recognise(uri);
            return uri;
        }
        if (dockerAvailable()) {
            String image = System.getenv("LOCALSTACK_AUTH_TOKEN") != null
                    ? System.getenv().getOrDefault("LOCALSTACK_IMAGE", "localstack/localstack:latest")
                    : FREE_LOCALSTACK_IMAGE;
            LocalStackContainer localstack = new LocalStackContainer(DockerImageName.parse(image))
                    .withServices("dynamodb", "kms", "sns", "sqs", "sts");
            localstack.start();
            Runtime.getRuntime().addShutdownHook(new Thread(localstack::stop));
            kind = "localstack";
            return localstack.getEndpoint();
        }
        try {
            return startPyPiEmulator("ministack");
        } catch (IllegalStateException cannotServe) {
            System.err.println("MiniStack could not serve ("
                    + cannotServe.getMessage().lines().findFirst().orElse("") + "); falling back to moto_server");
            return startPyPiEmulator("moto");
        }
    }

    /** Tells emulators apart by their health route: MiniStack names itself, moto has none. */
    private static String recognise(URI uri) {
        try {
            HttpURLConnection connection = (HttpURLConnection)
                    uri.resolve("/_localstack/health").toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(2000);
            if (connection.getResponseCode() != 200) {
                return connection.getResponseCode() == 404 ? "moto" : "external";
            }
            String body = new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return body.contains("\"edition\": \"light\"")
                            || body.toLowerCase(Locale.ROOT).contains("ministack")
                    ? "ministack"
                    : "localstack";
        } catch (IOException e) {
            return "external";
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static final int KEPT_EMULATOR_LOGS = 30;

    private static URI startPyPiEmulator(String wanted) {
        Path root = ProjectFiles.root();
        Path script = root.resolve("infra/emulator");
        ProcessBuilder install = new ProcessBuilder(script.toString(), "which");
        install.environment().put("REAUTH_EMULATOR", wanted);
        run(install.redirectError(ProcessBuilder.Redirect.INHERIT), Duration.ofMinutes(5));
        int port = freePort();
        try {
            // in .tools/logs with the function logs; tests start many emulators, so more are kept
            Path log = ToolLogs.create("emulator-", KEPT_EMULATOR_LOGS);
            ProcessBuilder serve = new ProcessBuilder(script.toString(), "run", Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            serve.environment().put("REAUTH_EMULATOR", wanted);
            Process process = serve.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
            }));
            URI uri = URI.create("http://127.0.0.1:" + port);
            try {
                awaitHealthy(uri, process, log);
            } catch (IllegalStateException notServing) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                throw notServing;
            }
            kind = recognise(uri);
            return uri;
        } catch (IOException e) {
            throw new IllegalStateException("could not start the AWS emulator", e);
        }
    }

    private static void awaitHealthy(URI uri, Process process, Path log) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the AWS emulator exited at start:\n" + Files.readString(log));
            }
            try {
                HttpURLConnection connection = (HttpURLConnection)
                        uri.resolve("/_localstack/health").toURL().openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(2000);
                int status = connection.getResponseCode();
                // moto has no health route but answers 404 once it listens
                if (status == 200 || status == 404) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            sleep(200);
        }
        throw new IllegalStateException("the AWS emulator did not become healthy in 60 s:\n" + Files.readString(log));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void run(ProcessBuilder builder, Duration timeout) {
        try {
            Process process =
                    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("failed: " + String.join(" ", builder.command()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("failed: " + String.join(" ", builder.command()), e);
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
            throw new IllegalStateException(e);
        }
    }
}
