package dev.reauth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.cli.Browser;
import dev.reauth.cli.Debug;
import dev.reauth.cli.Durations;
import dev.reauth.config.ReauthConfig;
import dev.reauth.oauth.ProviderConfig;
import dev.reauth.wire.Schema.Accounts;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The product's main job on one machine, with no AWS account: an emulator with the stack's tables,
 * key and topic; a seeded demo account; the HTTP API on localhost; a local PKCE-enforcing OAuth
 * provider (or, with --anthropic, the real one and your browser); a cache subscriber; then one
 * whole re-authentication, driven over HTTP as the operator's command line drives it. With --serve,
 * the API stays up and the refresh schedule runs every few seconds, printing what it does.
 */
public final class LocalRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEPT_RUN_LOGS = 10;

    private final PrintStream out;
    private final Path functionLog;
    private final java.util.concurrent.atomic.AtomicBoolean announceFlushes = new java.util.concurrent.atomic.AtomicBoolean();
    /** Set once --serve watches the refresher: proxy lines then go to it, with the time. */
    private volatile RefreshWatch watch;
    private final HttpClient http = HttpClient.newHttpClient();

    private LocalRun(PrintStream console, Path functionLog) {
        this.out = console;
        this.functionLog = functionLog;
    }

    public static void main(String[] args) throws Exception {
        LocalRunOptions options;
        try {
            options = LocalRunOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("infra/local-run: " + e.getMessage() + "\n" + LocalRunOptions.USAGE);
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
        logFleetLibraryTo(System.out);
        int status = 0;
        try {
            new LocalRun(console, functionLog).run(options);
        } catch (RuntimeException e) {
            boolean busy = e.getCause() instanceof BindException;
            System.err.println(busy ? portInUse(options.port()) : "Re-authentication failed: " + e.getMessage());
            status = 1;
        }
        // the emulator and servers stop with the JVM (shutdown hooks)
        System.exit(status);
    }

    /** The fleet library (the demo proxy) logs through java.util.logging: into the function log too, not between the watch lines. */
    private static void logFleetLibraryTo(PrintStream log) {
        LogManager.getLogManager().reset();
        Logger.getLogger("").addHandler(new StreamHandler(log, new SimpleFormatter()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        });
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

    private void run(LocalRunOptions options) throws Exception {
        out.println("Starting the local stack (AWS emulator, tables, KMS key, SNS topic)...");
        LocalDeployment deployment = options.anthropic() ? LocalDeployment.withAnthropic(options.port())
                : LocalDeployment.withLocalProvider(options.port(), options.tokenLifetime()
                        .map(lifetime -> Map.of("REFRESH_LEAD", LocalRunOptions.leadFor(lifetime).toString())).orElse(Map.of()));
        LocalStack aws = deployment.aws();
        LocalOAuthProvider localProvider = deployment.provider();
        options.tokenLifetime().ifPresent(lifetime -> localProvider.refreshGrants().accessTokenLifetime(lifetime));
        ReauthConfig config = deployment.config();
        LocalApi localApi = deployment.api();
        DemoCacheSubscriber subscriber = new DemoCacheSubscriber(aws, "demo-proxy-" + UUID.randomUUID().toString().substring(0, 8),
                flush -> {
                    RefreshWatch watching = watch;
                    if (watching != null) {
                        watching.line("proxy", watching.nameOf(flush.accountId()) + ": the proxy server flushed its cached tokens"
                                + " (token_version " + flush.tokenVersion() + ")");
                    } else if (announceFlushes.get()) {
                        out.println("  [proxy server] flushed its cached tokens (token_version " + flush.tokenVersion() + ")");
                    }
                });
        String accountId = DemoAccount.seed(aws);
        // the proxy server caches the demo account's tokens before the re-authentication
        String staleToken = options.anthropic() ? null : primeProxyCache(deployment, subscriber, accountId);
        announceFlushes.set(true);
        out.println("  emulator        " + aws.endpoint());
        out.println("  API             " + localApi.baseUrl());
        out.println("  OAuth provider  " + (localProvider != null ? config.provider().authorizeUrlMax()
                + " (local: logs in without a password; its page shows the code#state)" : "Anthropic (real endpoints)"));
        out.println("  accounts table  " + aws.accountsTable() + " (seeded: 'demo', priority 1, 42 requests, needs re-authentication)");
        out.println("  proxy server    fleet library TokenSource on an SQS subscription, holding demo's current tokens");
        out.println("  function logs   " + functionLog);
        out.println();

        Map<String, AttributeValue> before = DemoAccount.item(aws, accountId);
        reauthenticate(localApi.baseUrl(), DemoAccount.NAME, localProvider, config.provider());
        Map<String, AttributeValue> after = DemoAccount.item(aws, accountId);
        long version = Long.parseLong(after.get(Accounts.TOKEN_VERSION).n());
        DemoCacheSubscriber.Flush flush = subscriber.awaitFlush(accountId, version, Duration.ofSeconds(15));
        out.println("Token cache has been cleared for running servers");
        DemoAccount.printProof(out, aws, accountId, before, after, flush, subscriber, staleToken);

        if (options.serve()) {
            Path envFile = ProjectFiles.root().resolve(LocalInvoke.DEFAULT_ENV_FILE);
            LocalInvoke.writeEnvFile(envFile, deployment.environment());
            ProviderControls controls = localProvider == null ? null : ProviderControls.start(deployment, this::watchLine);
            printNextSteps(localApi.baseUrl(), localProvider != null);
            printRefresher(localApi.baseUrl(), config, options, controls);
            RefreshWatch started = RefreshWatch.start(deployment, out);
            subscriber.tokens().onReauthRequired((id, tokenVersion, reason) -> started.line("proxy", started.nameOf(id)
                    + ": the proxy server stops serving it (requires re-authentication: " + reason + ")"));
            watch = started;
            Thread.currentThread().join();
        }
        out.println();
        out.println("Next: infra/local-run --serve keeps the API up, and says how to drive it with the CLI (reauth).");
        subscriber.close();
        deployment.close();
    }

    private void watchLine(String kind, String text) {
        RefreshWatch watching = watch;
        if (watching != null) {
            watching.line(kind, text);
        }
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

    /** The --serve banner's second part: the refresh schedule, and how to watch it find a dead token or raise an alert. */
    private void printRefresher(URI api, ReauthConfig config, LocalRunOptions options, ProviderControls controls) {
        String lead = Durations.human(config.refresh().lead());
        out.println();
        out.println("Refresh schedule: every " + RefreshWatch.EVERY.toSeconds() + " s against the emulator (RefreshFunction; EventBridge"
                + " runs it in AWS), lead window " + lead + ".");
        if (options.tokenLifetime().isPresent()) {
            out.println("The local provider's access tokens live " + Durations.human(options.tokenLifetime().get())
                    + " (--token-lifetime): each is refreshed " + lead + " before it expires.");
        } else {
            out.println((controls != null ? "The local provider's" : "Anthropic's") + " access tokens live 8h: demo's first refresh"
                    + " is hours away" + (controls != null ? " (infra/local-run --serve --token-lifetime 2m makes it minutes)." : "."));
        }
        out.println("Below, as they happen: refreshes, dead accounts and alerts (a queue on the alerts topic stands in for email).");
        if (controls != null) {
            out.println();
            out.printf("  %-62s (the provider forgets demo's refresh token:%n  %-62s  its next refresh finds demo dead)%n",
                    "curl -s -X POST '" + controls.url() + "/revoke?account=demo'", "");
            out.printf("  %-62s (the next 3 refreshes meet a provider 500: retried after%n  %-62s  1, then 2 minutes; after the third, an alert)%n",
                    "curl -s -X POST '" + controls.url() + "/fail?count=3'", "");
        }
        Duration leadWindow = config.refresh().lead();
        String check = "REAUTH_API_URL=" + api + " reauth --check" + (leadWindow.equals(Duration.ofMinutes(60)) ? ""
                : " --lead " + (leadWindow.toSeconds() % 60 == 0 ? leadWindow.toMinutes() + "m" : leadWindow.toSeconds() + "s"));
        out.printf("  %-62s (what needs attention; exit 9 when anything does)%n", check);
        out.println();
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
        DemoAccount.markRequiresReauth(deployment.aws(), accountId);
        return cached;
    }
}
