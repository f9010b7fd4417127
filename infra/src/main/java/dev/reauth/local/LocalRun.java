package dev.reauth.local;

import dev.reauth.cli.ApiClient;
import dev.reauth.cli.Browser;
import dev.reauth.cli.CodeSource;
import dev.reauth.cli.Debug;
import dev.reauth.cli.Operator;
import dev.reauth.cli.Prompt;
import dev.reauth.cli.ProviderHosts;
import dev.reauth.cli.TerminalCodes;
import dev.reauth.config.ReauthConfig;
import dev.reauth.wire.Schema.Accounts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The product's main job on one machine, with no AWS account: an emulator with the stack's tables,
 * key and topic; a seeded demo account; the HTTP API on localhost; a local PKCE-enforcing OAuth
 * provider (or, with --anthropic, the real one and your browser); a cache subscriber; then one
 * whole re-authentication by the CLI's own Operator over HTTP, this run playing the browser at the
 * local provider (you do, at Anthropic's). With --serve, the API stays up and the refresh schedule
 * runs every few seconds, printing what it does.
 */
public final class LocalRun {

    private final PrintStream out;
    private final Path functionLog;
    /** Set once --serve watches the refresher: proxy lines then go to it, with the time. */
    private volatile RefreshWatch watch;

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
        Path functionLog = FunctionLog.newRunLog();
        System.setOut(new PrintStream(Files.newOutputStream(functionLog), true, StandardCharsets.UTF_8));
        FunctionLog.logFleetLibraryTo(System.out);
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

    /** The functions' environment a local run's options change: the lead window, the schedule the stack judges health by, and when the expiring alert comes. */
    static Map<String, String> localOverrides(LocalRunOptions options) {
        // the stack judges health by its schedule: here RefreshWatch's, not the template's 5 minutes
        Map<String, String> overrides = new HashMap<>(Map.of("REFRESH_SCHEDULE", RefreshWatch.SCHEDULE));
        options.tokenLifetime()
                .ifPresent(lifetime -> overrides.put(
                        "REFRESH_LEAD", LocalRunOptions.leadFor(lifetime).toString()));
        // at half the refresh token's life left, so the alert comes within the demo
        options.refreshTokenLifetime()
                .ifPresent(lifetime ->
                        overrides.put("EXPIRING_WARNING", lifetime.dividedBy(2).toString()));
        return Map.copyOf(overrides);
    }

    private void run(LocalRunOptions options) throws Exception {
        out.println("Starting the local stack (AWS emulator, tables, KMS key, SNS topic)...");
        Map<String, String> overrides = localOverrides(options);
        LocalDeployment deployment = options.anthropic()
                ? LocalDeployment.withAnthropic(options.port(), overrides)
                : LocalDeployment.withLocalProvider(options.port(), overrides);
        LocalStack aws = deployment.aws();
        LocalOAuthProvider localProvider = deployment.provider();
        options.tokenLifetime()
                .ifPresent(lifetime -> localProvider.refreshGrants().accessTokenLifetime(lifetime));
        options.refreshTokenLifetime()
                .ifPresent(lifetime -> localProvider.refreshGrants().refreshTokenLifetime(lifetime));
        ReauthConfig config = deployment.config();
        LocalApi localApi = deployment.api();
        DemoCacheSubscriber subscriber = new DemoCacheSubscriber(
                aws, "demo-proxy-" + UUID.randomUUID().toString().substring(0, 8), flush -> {
                    RefreshWatch watching = watch;
                    if (watching != null) {
                        watching.line(
                                "proxy",
                                watching.nameOf(flush.accountId()) + ": the proxy server flushed its cached tokens"
                                        + " (token_version " + flush.tokenVersion() + ")");
                    }
                });
        String accountId = DemoAccount.seed(aws);
        // the proxy server caches the demo account's tokens before the re-authentication
        String staleToken = options.anthropic() ? null : primeProxyCache(deployment, subscriber, accountId);
        out.println("  emulator        " + aws.endpoint());
        out.println("  API             " + localApi.baseUrl());
        out.println("  OAuth provider  "
                + (localProvider != null
                        ? config.provider().authorizeUrlMax()
                                + " (local: logs in without a password; its page shows the code#state)"
                        : "Anthropic (real endpoints)"));
        out.println("  accounts table  " + aws.accountsTable()
                + " (seeded: 'demo', priority 1, 42 requests, needs re-authentication)");
        out.println(
                "  proxy server    fleet library TokenSource on an SQS subscription, holding demo's current tokens");
        out.println("  function logs   " + functionLog);
        out.println();

        Map<String, AttributeValue> before = DemoAccount.item(aws, accountId);
        operator(localApi.baseUrl(), localProvider, out).reauthenticate(DemoAccount.NAME, false);
        Map<String, AttributeValue> after = DemoAccount.item(aws, accountId);
        DemoCacheSubscriber.Flush flush = subscriber.awaitFlush(accountId, tokenVersion(after), Duration.ofSeconds(15));
        out.println("  [proxy server] flushed its cached tokens (token_version " + flush.tokenVersion() + ")");
        DemoAccount.printProof(out, aws, accountId, before, after, flush, subscriber, staleToken);

        if (options.serve()) {
            Path envFile = ProjectFiles.root().resolve(LocalInvoke.DEFAULT_ENV_FILE);
            LocalInvoke.writeEnvFile(envFile, deployment.environment());
            ProviderControls controls =
                    localProvider == null ? null : ProviderControls.start(deployment, this::watchLine);
            ServeBanner banner = new ServeBanner(out);
            banner.printNextSteps(localApi.baseUrl(), localProvider != null);
            banner.printRefresher(localApi.baseUrl(), config, options, controls);
            RefreshWatch started = RefreshWatch.start(deployment, out);
            if (controls != null) {
                controls.scheduleSwitch(running -> started.pause(!running));
            }
            subscriber
                    .tokens()
                    .onReauthRequired((id, tokenVersion, reason) -> started.line(
                            "proxy",
                            started.nameOf(id) + ": the proxy server stops serving it (requires re-authentication: "
                                    + reason + ")"));
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

    /**
     * The operator's command line over the local API (unsigned: it is not behind IAM here); its logins
     * take their code from the local provider, logging in as this run, or from you at the terminal.
     */
    private static Operator operator(URI api, LocalOAuthProvider localProvider, PrintStream to) {
        Debug debug = new Debug(System.getenv("DEBUG"), System.err);
        ApiClient client = new ApiClient(api, Optional.empty(), debug);
        CodeSource codes = localProvider != null
                ? new LocalProviderCodes(localProvider, to)
                : new TerminalCodes(
                        new Browser(System.getenv(), System.getProperty("os.name", ""), debug),
                        new Prompt(
                                Prompt.interactiveConsole(),
                                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                                to),
                        to);
        return Operator.of(client, codes, ProviderHosts.forApi(client.base(), System.getenv()), to);
    }

    private static long tokenVersion(Map<String, AttributeValue> item) {
        return Long.parseLong(item.get(Accounts.TOKEN_VERSION).n());
    }

    /** Gives the demo account tokens once, so the proxy server has something cached to flush. */
    private String primeProxyCache(LocalDeployment deployment, DemoCacheSubscriber subscriber, String accountId)
            throws Exception {
        // the same flow as the shown one, unshown
        operator(deployment.api().baseUrl(), deployment.provider(), new PrintStream(OutputStream.nullOutputStream()))
                .reauthenticate(DemoAccount.NAME, false);
        subscriber.awaitFlush(
                accountId, tokenVersion(DemoAccount.item(deployment.aws(), accountId)), Duration.ofSeconds(15));
        // cached before the account is marked: the fleet library serves no account that requires re-authentication
        String cached = subscriber.tokens().accessToken(accountId);
        DemoAccount.markRequiresReauth(deployment.aws(), accountId);
        return cached;
    }
}
