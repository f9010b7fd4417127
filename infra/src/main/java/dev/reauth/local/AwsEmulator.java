package dev.reauth.local;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The AWS-compatible endpoint the integration tests run against, resolved once per JVM:
 * {@code AWS_ENDPOINT_URL} when set; else Testcontainers' LocalStack module when a Docker engine
 * answers; else the PyPI emulator from {@code infra/emulator} (MiniStack, moto_server as fallback)
 * on a free loopback port, stopped when the JVM exits.
 */
public final class AwsEmulator {

    public static final String REGION = "us-east-1";
    /** LocalStack images after 4.14.0 need LOCALSTACK_AUTH_TOKEN; this one does not. */
    private static final String FREE_LOCALSTACK_IMAGE = "localstack/localstack:4.14.0";

    private static URI endpoint;

    private AwsEmulator() {
    }

    public static synchronized URI endpoint() {
        if (endpoint == null) {
            endpoint = resolve();
        }
        return endpoint;
    }

    private static URI resolve() {
        String configured = System.getenv("AWS_ENDPOINT_URL");
        if (configured != null && !configured.isBlank()) {
            return URI.create(configured);
        }
        if (dockerAvailable()) {
            String image = System.getenv("LOCALSTACK_AUTH_TOKEN") != null
                    ? System.getenv().getOrDefault("LOCALSTACK_IMAGE", "localstack/localstack:latest")
                    : FREE_LOCALSTACK_IMAGE;
            LocalStackContainer localstack = new LocalStackContainer(DockerImageName.parse(image))
                    .withServices("dynamodb", "kms", "sns", "sqs", "sts");
            localstack.start();
            Runtime.getRuntime().addShutdownHook(new Thread(localstack::stop));
            return localstack.getEndpoint();
        }
        return startPyPiEmulator();
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static URI startPyPiEmulator() {
        Path root = ProjectFiles.root();
        Path script = root.resolve("infra/emulator");
        run(new ProcessBuilder(script.toString(), "install").inheritIO(), Duration.ofMinutes(5));
        int port = freePort();
        try {
            Path log = Files.createTempFile("reauth-emulator-", ".log");
            Process process = new ProcessBuilder(script.toString(), "run", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
            }));
            URI uri = URI.create("http://127.0.0.1:" + port);
            awaitHealthy(uri, process, log);
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
                HttpURLConnection connection = (HttpURLConnection) uri.resolve("/_localstack/health").toURL().openConnection();
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
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
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
