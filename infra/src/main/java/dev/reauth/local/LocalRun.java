package dev.reauth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.wire.Schema;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundleJson;
import dev.reauth.cli.Browser;
import dev.reauth.cli.Debug;
import dev.reauth.config.ReauthConfig;
import dev.reauth.oauth.ProviderConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The product's main job on one machine, with no AWS account: an emulator with the stack's tables,
 * key and topic; a seeded demo account; the HTTP API on localhost; a local PKCE-enforcing OAuth
 * provider (or, with --anthropic, the real one and your browser); a cache subscriber; then one
 * whole re-authentication, driven over HTTP as the operator's command line drives it.
 */
public final class LocalRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USAGE = "usage: infra/local-run [--serve] [--port N] [--anthropic]   (infra/local-run --help says more)";
    private static final int KEPT_RUN_LOGS = 10;

    private final PrintStream out;
    private final Path functionLog;
    private final java.util.concurrent.atomic.AtomicBoolean announceFlushes = new java.util.concurrent.atomic.AtomicBoolean();
    private final HttpClient http = HttpClient.newHttpClient();

    private LocalRun(PrintStream console, Path functionLog) {
        this.out = console;
        this.functionLog = functionLog;
    }

    /** What infra/local-run asked for (the script checks the arguments first; this checks them again, for direct calls). */
    record Options(boolean serve, boolean anthropic, int port) {

        static Options parse(String[] args) {
            boolean serve = false;
            boolean anthropic = false;
            int port = 8787;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--serve" -> serve = true;
                    case "--anthropic" -> anthropic = true;
                    case "--port" -> port = port(i + 1 < args.length ? args[++i] : "");
                    default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
                }
            }
            return new Options(serve, anthropic, port);
        }

        private static int port(String value) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new IllegalArgumentException("--port needs a number from 0 to 65535, not '" + value + "'");
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("infra/local-run: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        if (options.port() != 0 && !free(options.port())) {
            System.err.println(portInUse(options.port()));
            System.exit(1);
        }
        // the functions log JSON lines to standard output, as in Lambda; here they go to a file, as to CloudWatch
        PrintStream console = System.out;
        Path functionLog = newRunLog();
        System.setOut(new PrintStream(Files.newOutputStream(functionLog), true, StandardCharsets.UTF_8));
        int status = 0;
        try {
            new LocalRun(console, functionLog).run(options.serve(), options.anthropic(), options.port());
        } catch (RuntimeException e) {
            boolean busy = e.getCause() instanceof BindException;
            System.err.println(busy ? portInUse(options.port()) : "Re-authentication failed: " + e.getMessage());
            status = 1;
        }
        // the emulator and servers stop with the JVM (shutdown hooks)
        System.exit(status);
    }

    private static String portInUse(int port) {
        return "infra/local-run: port " + port + " is in use; try --port 0";
    }

    private static boolean free(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** This run's function log in .tools/logs; the oldest run logs beyond the last few are removed. */
    private static Path newRunLog() throws IOException {
        Path logs = Files.createDirectories(ProjectFiles.root().resolve(".tools").resolve("logs"));
        List<Path> old;
        try (var files = Files.list(logs)) {
            old = files.filter(f -> f.getFileName().toString().startsWith("local-run-functions-"))
                    .sorted(Comparator.comparing((Path f) -> f.toFile().lastModified()).reversed()).toList();
        }
        for (Path stale : old.subList(Math.min(old.size(), KEPT_RUN_LOGS - 1), old.size())) {
            Files.deleteIfExists(stale);
        }
        return Files.createTempFile(logs, "local-run-functions-", ".log");
    }

    private void run(boolean serve, boolean anthropic, int port) throws Exception {
        out.println("Starting the local stack (AWS emulator, tables, KMS key, SNS topic)...");
        LocalDeployment deployment = anthropic ? LocalDeployment.withAnthropic(port) : LocalDeployment.withLocalProvider(port, Map.of());
        LocalStack aws = deployment.aws();
        LocalOAuthProvider localProvider = deployment.provider();
        ReauthConfig config = deployment.config();
        LocalApi localApi = deployment.api();
        DemoCacheSubscriber subscriber = new DemoCacheSubscriber(aws, "demo-proxy-" + UUID.randomUUID().toString().substring(0, 8),
                flush -> {
                    if (announceFlushes.get()) {
                        out.println("  [proxy server] flushed its cached tokens (token_version " + flush.tokenVersion() + ")");
                    }
                });
        String accountId = seedDemoAccount(aws);
        // the proxy server caches the demo account's tokens before the re-authentication
        String staleToken = anthropic ? null : primeProxyCache(deployment, subscriber, accountId);
        announceFlushes.set(true);
        out.println("  emulator        " + aws.endpoint());
        out.println("  API             " + localApi.baseUrl());
        out.println("  OAuth provider  " + (localProvider != null ? config.provider().authorizeUrlMax()
                + " (local: logs in without a password; its page shows the code#state)" : "Anthropic (real endpoints)"));
        out.println("  accounts table  " + aws.accountsTable() + " (seeded: 'demo', priority 1, 42 requests, needs re-authentication)");
        out.println("  proxy server    fleet library TokenSource on an SQS subscription, holding demo's current tokens");
        out.println("  function logs   " + functionLog);
        out.println();

        Map<String, AttributeValue> before = account(aws, accountId);
        reauthenticate(localApi.baseUrl(), "demo", localProvider, config.provider());
        Map<String, AttributeValue> after = account(aws, accountId);
        long version = Long.parseLong(after.get(Accounts.TOKEN_VERSION).n());
        DemoCacheSubscriber.Flush flush = subscriber.awaitFlush(accountId, version, Duration.ofSeconds(15));
        out.println("Token cache has been cleared for running servers");
        printProof(aws, accountId, before, after, flush, subscriber, staleToken);

        if (serve) {
            Path envFile = ProjectFiles.root().resolve(LocalInvoke.DEFAULT_ENV_FILE);
            LocalInvoke.writeEnvFile(envFile, deployment.environment());
            printNextSteps(localApi.baseUrl(), localProvider != null);
            Thread.currentThread().join();
        }
        out.println();
        out.println("Next: infra/local-run --serve keeps the API up, and says how to drive it with the CLI (reauth).");
        subscriber.close();
        deployment.close();
    }

    private void reauthenticate(URI api, String name, LocalOAuthProvider localProvider, ProviderConfig provider) throws Exception {
        out.println("Re-authenticating account: " + name);
        JsonNode started = post(api.resolve("/accounts/" + name + "/reauth"), "");
        String url = started.path("authorizationUrl").asText();
        String pasted;
        if (localProvider != null) {
            // the local provider logs in without a page; its redirect carries what the code page would show
            out.println("Logging in at the local OAuth provider (this run plays the browser)...");
            pasted = localProvider.authorize(url).pasted();
        } else {
            boolean opened = new Browser(System.getenv(), System.getProperty("os.name", ""), new Debug(null, System.err)).open(url);
            out.println(opened ? "Opened the provider's login page in your browser." : "No browser could be opened here. Open this URL in a browser and log in:");
            out.println("  " + url);
            out.print("Paste the code the provider's page shows after login (code#state): ");
            out.flush();
            pasted = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        JsonNode done = post(api.resolve("/oauth/callback"), JSON.createObjectNode().put("code", pasted).toString());
        out.println(done.path("message").asText());
        if (!"published".equals(done.path("cacheFlush").asText())) {
            out.println("Warning: running servers could not be notified; they converge on their next token_version check");
        }
    }

    private JsonNode post(URI uri, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri.getPath() + " answered " + response.statusCode() + ": "
                    + json.path("error_description").asText(response.body()));
        }
        return json;
    }

    /** The --serve banner: the exact commands that use the API now running, with its port. */
    private void printNextSteps(URI api, boolean localProvider) {
        out.println();
        out.println("Serving the API on " + api + " (Ctrl-C stops). Next, in another terminal in " + ProjectFiles.root() + ":");
        out.println();
        out.println("  REAUTH_API_URL=" + api + " reauth --reauthenticate demo");
        out.println();
        out.println("  (reauth is cli/reauth here; cli/install puts it on PATH.) It prints, or opens, a login URL" + (localProvider
                ? " on the local\n  provider, which logs in without a password: open the URL in a browser, or run\n"
                + "  curl -sL 'URL', and its page shows the code#state to paste at reauth's prompt."
                : " at Anthropic:\n  log in there, and paste the code#state its page shows at reauth's prompt."));
        out.println();
        out.printf("  %-62s (one function, as Lambda runs it)%n", "infra/invoke StartReauthFunction events/start-reauth.json");
        out.printf("  %-62s (the API itself)%n", "curl -s -X POST " + api + "/accounts/demo/reauth");
    }

    private static String seedDemoAccount(LocalStack aws) {
        String id = UUID.randomUUID().toString();
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put(Accounts.ID, AttributeValue.fromS(id));
        item.put(Accounts.NAME, AttributeValue.fromS("demo"));
        item.put("priority", AttributeValue.fromN("1"));
        item.put("custom_endpoint", AttributeValue.fromS("https://proxy.example.internal/v1"));
        item.put("request_count", AttributeValue.fromN("42"));
        item.put("total_requests", AttributeValue.fromN("1234"));
        item.put("last_used", AttributeValue.fromN(Long.toString(Instant.now().minus(Duration.ofHours(9)).toEpochMilli())));
        item.put("usage", AttributeValue.fromM(Map.of("input_tokens", AttributeValue.fromN("512000"),
                "output_tokens", AttributeValue.fromN("64000"))));
        item.put(Accounts.EXPIRES_AT, AttributeValue.fromN(Long.toString(Instant.now().minus(Duration.ofHours(1)).toEpochMilli())));
        item.put(Accounts.TOKEN_VERSION, AttributeValue.fromN("3"));
        item.put(Accounts.REQUIRES_REAUTH, AttributeValue.fromBool(true));
        aws.dynamo().putItem(p -> p.tableName(aws.accountsTable()).item(item));
        return id;
    }

    private static Map<String, AttributeValue> account(LocalStack aws, String id) {
        return aws.dynamo().getItem(g -> g.tableName(aws.accountsTable()).consistentRead(true)
                .key(Map.of(Accounts.ID, AttributeValue.fromS(id)))).item();
    }

    /** Gives the demo account tokens once, so the proxy server has something cached to flush. */
    private String primeProxyCache(LocalDeployment deployment, DemoCacheSubscriber subscriber, String accountId) throws Exception {
        URI api = deployment.api().baseUrl();
        JsonNode started = post(api.resolve("/accounts/demo/reauth"), "");
        String pasted = deployment.provider().authorize(started.path("authorizationUrl").asText()).pasted();
        JsonNode done = post(api.resolve("/oauth/callback"), JSON.createObjectNode().put("code", pasted).toString());
        subscriber.awaitFlush(accountId, done.path("tokenVersion").asLong(), Duration.ofSeconds(15));
        // cached before the account is marked: the fleet library serves no account that requires re-authentication
        String cached = subscriber.tokens().accessToken(accountId);
        deployment.aws().dynamo().updateItem(u -> u.tableName(deployment.aws().accountsTable())
                .key(Map.of(Accounts.ID, AttributeValue.fromS(accountId)))
                .updateExpression("SET requires_reauth = :t").expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))));
        return cached;
    }

    private void printProof(LocalStack aws, String id, Map<String, AttributeValue> before, Map<String, AttributeValue> after,
                            DemoCacheSubscriber.Flush flush, DemoCacheSubscriber subscriber, String staleToken) {
        out.println();
        out.println("Proof (accounts table, item 'demo'):");
        for (String field : List.of("priority", "custom_endpoint", "request_count", "total_requests", "last_used", "usage")) {
            boolean same = before.get(field).equals(after.get(field));
            out.printf("  %-22s %s%n", field, show(after.get(field)) + (same ? "  (unchanged)" : "  CHANGED"));
        }
        out.printf("  %-22s %s -> %s%n", "token_version", show(before.get(Accounts.TOKEN_VERSION)), show(after.get(Accounts.TOKEN_VERSION)));
        out.printf("  %-22s %s -> %s%n", "requires_reauth", show(before.get(Accounts.REQUIRES_REAUTH)), show(after.get(Accounts.REQUIRES_REAUTH)));
        out.printf("  %-22s %s%n", "expires_at", Instant.ofEpochMilli(Long.parseLong(after.get(Accounts.EXPIRES_AT).n())));
        byte[] plaintext = aws.kms().decrypt(d -> d.ciphertextBlob(after.get(Accounts.TOKEN_CIPHERTEXT).b())
                .encryptionContext(Schema.encryptionContext(id))).plaintext().asByteArray();
        var tokens = TokenBundleJson.read(plaintext);
        out.printf("  %-22s %d bytes of KMS ciphertext; decrypts under {account_id, purpose=reauth:oauth-tokens} to a %s token"
                + " bundle (access token %d chars, refresh token %d chars)%n", "token_ciphertext",
                after.get(Accounts.TOKEN_CIPHERTEXT).b().asByteArray().length, tokens.tokenType(),
                tokens.accessToken().length(), tokens.refreshToken().length());
        String served = subscriber.tokens().accessToken(id);
        out.printf("  %-22s flushed at token_version %d; now serves the new access token%s%n", "proxy server", flush.tokenVersion(),
                staleToken == null ? "" : (served.equals(tokens.accessToken()) && !served.equals(staleToken)
                        ? " (not the one it had cached)" : " -- MISMATCH"));
    }

    private static String show(AttributeValue value) {
        if (value == null) {
            return "-";
        }
        if (value.n() != null) {
            return value.n();
        }
        if (value.s() != null) {
            return value.s();
        }
        if (value.bool() != null) {
            return value.bool().toString();
        }
        if (value.hasM()) {
            Map<String, String> shown = new LinkedHashMap<>();
            value.m().forEach((k, v) -> shown.put(k, show(v)));
            return shown.toString();
        }
        return value.toString();
    }
}
