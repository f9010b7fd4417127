package dev.reauth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.aws.AwsClients;
import dev.reauth.config.ReauthConfig;
import dev.reauth.handler.RefreshHandler;
import dev.reauth.handler.Wiring;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.local.LocalStack;
import dev.reauth.local.ProjectFiles;
import dev.reauth.local.RefreshGrants;
import dev.reauth.local.SeededAccount;
import dev.reauth.provider.HttpAuthorizationServer;
import dev.reauth.wire.Schema.Accounts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The refresher at fleet scale: N accounts due at once (default 1,000) on the local emulator with
 * the local provider, seeded as reauth holds them, then the schedule run as Lambda runs it (the
 * RefreshHandler, events/refresh-schedule.json, the template's timeout) until nothing is due.
 * Prints throughput, AWS calls per account, the cost of finding due accounts, each run against its
 * deadline, and the provider's counts. Asserts nothing.
 */
public final class RefreshBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Past this many runs the accounts left are not going to be refreshed by running again. */
    private static final int MAX_RUNS = 10;

    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        PrintStream out = System.out;
        // the functions' JSON log lines are not the benchmark's output; the metric (EMF) lines are kept
        EmfLines emf = new EmfLines();
        System.setOut(new PrintStream(emf, true, StandardCharsets.UTF_8));

        LocalStack aws = LocalStack.create();
        try (LocalOAuthProvider provider = LocalOAuthProvider.start()) {
            Map<String, String> env = new HashMap<>(aws.functionEnvironment(provider.environment()));
            env.put("REFRESH_CONCURRENCY", Integer.toString(concurrency));
            ReauthConfig config = ReauthConfig.from(env);
            // the function's timeout as the stack configures it (REFRESH_FUNCTION_TIMEOUT, the template's
            // RefreshFunctionTimeout): the template's Timeout is a Ref, which TemplateFunction reads as its 30 s
            // fallback
            int timeoutSeconds = (int) config.safety().functionTimeout().toSeconds();
            AwsCallTally tally = new AwsCallTally();
            AwsClients clients = AwsClients.create(config, LocalStack.CREDENTIALS, List.of(tally));
            Wiring.Graph graph = Wiring.graph(
                    config,
                    clients,
                    new HttpAuthorizationServer(config.provider(), config.providerTimeout(), config.providerTimeout()),
                    Clock.systemUTC());
            RefreshHandler handler = new RefreshHandler(graph.api(), graph.schedule(), Clock.systemUTC());
            RefreshGrants grants = provider.refreshGrants();

            // seeded tokens expire within the lead window; refreshed ones live 8 hours, past it
            grants.accessTokenLifetime(config.refresh().lead().dividedBy(2));
            long seedStarted = System.nanoTime();
            List<String> ids = seed(aws, provider, config, accounts);
            long seedMillis = (System.nanoTime() - seedStarted) / 1_000_000;
            grants.accessTokenLifetime(Duration.ofHours(8));
            tally.drain();

            out.printf(
                    "Refresh schedule: %,d due accounts (access tokens expiring in %d min, lead window %d min), local emulator"
                            + " and local provider (refresh tokens single-use);%n",
                    accounts,
                    config.refresh().lead().dividedBy(2).toMinutes(),
                    config.refresh().lead().toMinutes());
            out.printf(
                    "RefreshHandler with events/refresh-schedule.json, Context remaining time = RefreshFunction Timeout %d s;"
                            + " concurrency %d, %d index buckets, provider timeout %d s. Seeded in %.1f s (not counted).%n%n",
                    timeoutSeconds,
                    concurrency,
                    config.refresh().buckets(),
                    config.providerTimeout().toSeconds(),
                    seedMillis / 1000.0);

            List<RefreshReport.Row> runs = new ArrayList<>();
            int providerBefore = grants.refreshRequests();
            for (int i = 0; i < MAX_RUNS; i++) {
                RefreshReport.Row run = runOnce(handler, tally, grants, emf, timeoutSeconds);
                runs.add(run);
                boolean nothingDue = run.summary().path("due").asInt() == 0;
                boolean stuck = run.refreshed() == 0
                        && run.summary().path("leftForNextRun").asInt() == 0;
                if (nothingDue || stuck) {
                    break;
                }
            }
            RefreshReport.print(out, runs, timeoutSeconds, accounts);
            int providerCalls = grants.refreshRequests() - providerBefore;
            out.printf(
                    "%nprovider: %,d refresh calls for %,d accounts (%.2f per account, target 1); reused refresh tokens: %d (target 0)%n",
                    providerCalls, accounts, (double) providerCalls / accounts, grants.reusedRefreshTokens());
            List<Map<String, AttributeValue>> items = ids.stream()
                    .map(id -> aws.dynamo()
                            .getItem(g -> g.tableName(aws.accountsTable())
                                    .consistentRead(true)
                                    .key(Map.of(Accounts.ID, AttributeValue.fromS(id))))
                            .item())
                    .toList();
            out.printf(
                    "accounts table afterwards: %,d of %,d at token_version 2 (refreshed exactly once), %,d still holding a lease%n",
                    items.stream()
                            .filter(item ->
                                    "2".equals(item.get(Accounts.TOKEN_VERSION).n()))
                            .count(),
                    accounts,
                    items.stream()
                            .filter(item -> item.containsKey(Accounts.REFRESH_LEASE_OWNER))
                            .count());
        }
        System.exit(0);
    }

    /** One scheduled invocation, timed from the event in to the response out. */
    private static RefreshReport.Row runOnce(
            RefreshHandler handler, AwsCallTally tally, RefreshGrants grants, EmfLines emf, int timeoutSeconds)
            throws Exception {
        byte[] event =
                ProjectFiles.eventJson("refresh-schedule.json").toString().getBytes(StandardCharsets.UTF_8);
        int providerBefore = grants.refreshRequests();
        emf.drain();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        long started = System.nanoTime();
        handler.handleRequest(
                new ByteArrayInputStream(event), response, new ScheduledContext(Duration.ofSeconds(timeoutSeconds)));
        long millis = (System.nanoTime() - started) / 1_000_000;
        List<String> metricLines = emf.drain();
        List<Long> latencies = new ArrayList<>();
        for (String line : metricLines) {
            JSON.readTree(line).path("RefreshLatency").forEach(l -> latencies.add(l.asLong()));
        }
        return new RefreshReport.Row(
                millis,
                JSON.readTree(response.toString(StandardCharsets.UTF_8)),
                tally.drain(),
                grants.refreshRequests() - providerBefore,
                latencies,
                metricLines);
    }

    /**
     * Puts N accounts as the callback leaves them after a login ({@link SeededAccount}), with refresh
     * tokens the local provider issued. Uses the emulator's own clients: not tallied.
     */
    static List<String> seed(LocalStack aws, LocalOAuthProvider provider, ReauthConfig config, int accounts)
            throws Exception {
        int buckets = config.refresh().buckets();
        List<Future<String>> seeded = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < accounts; i++) {
                String name = String.format("bench-%04d", i);
                seeded.add(pool.submit(() -> SeededAccount.seed(aws, provider, buckets, name)));
            }
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> id : seeded) {
            ids.add(id.get());
        }
        return ids;
    }
}
