package dev.reauth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.wire.Schema;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundleJson;
import dev.reauth.config.ReauthConfig;
import dev.reauth.oauth.ProviderConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
    private static final String USAGE = """
            usage: infra/local-run [--serve] [--port N] [--anthropic]
              (no option)   re-authenticate the seeded account 'demo' against the local OAuth provider, print proof, exit
              --serve       keep the API running afterwards (until Ctrl-C), for the CLI or curl
              --port N      serve the API on 127.0.0.1:N (default 8787; 0 picks a free port)
              --anthropic   use the real Anthropic endpoints: your browser logs in, you paste code#state here
            """;

    private final PrintStream out;
    private final Path functionLog;
    private final java.util.concurrent.atomic.AtomicBoolean announceFlushes = new java.util.concurrent.atomic.AtomicBoolean();
    private final HttpClient http = HttpClient.newHttpClient();

    private LocalRun(PrintStream console, Path functionLog) {
        this.out = console;
        this.functionLog = functionLog;
    }

    public static void main(String[] args) throws Exception {
        boolean serve = false;
        boolean anthropic = false;
        int port = 8787;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--serve" -> serve = true;
                case "--anthropic" -> anthropic = true;
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> {
                    System.err.print("unknown option " + args[i] + "\n" + USAGE);
                    System.exit(2);
                }
            }
        }
        // the functions log JSON lines to standard output, as in Lambda; here they go to a file, as to CloudWatch
        PrintStream console = System.out;
        Path functionLog = Files.createTempFile("reauth-functions-", ".log");
        System.setOut(new PrintStream(Files.newOutputStream(functionLog), true, StandardCharsets.UTF_8));
        int status = 0;
        try {
            new LocalRun(console, functionLog).run(serve, anthropic, port);
        } catch (RuntimeException e) {
            System.err.println("Re-authentication failed: " + e.getMessage());
            status = 1;
        }
        // the emulator and servers stop with the JVM (shutdown hooks)
        System.exit(status);
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
        out.println("  OAuth provider  " + (localProvider != null ? config.provider().authorizeUrlMax() : "Anthropic (real endpoints)"));
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
            out.println();
            out.println("Function environment written to " + envFile + " (infra/invoke uses it).");
            out.println("Serving the API on " + localApi.baseUrl() + " (Ctrl-C stops). Try:");
            out.println("  curl -s -X POST " + localApi.baseUrl() + "/accounts/demo/reauth");
            Thread.currentThread().join();
        }
        subscriber.close();
        deployment.close();
    }

    private void reauthenticate(URI api, String name, LocalOAuthProvider localProvider, ProviderConfig provider) throws Exception {
        out.println("Re-authenticating account: " + name);
        JsonNode started = post(api.resolve("/accounts/" + name + "/reauth"), "");
        String url = started.path("authorizationUrl").asText();
        out.println("Opening browser for OAuth authorization...");
        String pasted;
        if (localProvider != null) {
            // the local provider logs in without a page; its redirect carries what the code page would show
            pasted = localProvider.authorize(url).pasted();
        } else {
            openBrowser(url);
            out.println("If no browser opened, visit:\n  " + url);
            out.print("Paste the code shown after login (code#state): ");
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

    private static void openBrowser(String url) {
        for (List<String> command : List.of(List.of("xdg-open", url), List.of("open", url))) {
            try {
                new ProcessBuilder(command).redirectErrorStream(true).start();
                return;
            } catch (IOException notThisOne) {
                // try the next opener; the URL is printed anyway
            }
        }
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
        deployment.aws().dynamo().updateItem(u -> u.tableName(deployment.aws().accountsTable())
                .key(Map.of(Accounts.ID, AttributeValue.fromS(accountId)))
                .updateExpression("SET requires_reauth = :t").expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))));
        return subscriber.tokens().accessToken(accountId);
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
