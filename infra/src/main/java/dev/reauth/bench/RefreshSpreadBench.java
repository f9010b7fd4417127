package dev.reauth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.aws.AwsClients;
import dev.reauth.config.ReauthConfig;
import dev.reauth.handler.RefreshHandler;
import dev.reauth.handler.Wiring;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.local.LocalStack;
import dev.reauth.local.ProjectFiles;
import dev.reauth.local.RefreshGrants;
import dev.reauth.local.SamTemplate;
import dev.reauth.provider.HttpAuthorizationServer;
import dev.reauth.wire.Schema.Accounts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * How provider calls spread when N accounts (default 1,000) enter the lead window together: the
 * schedule run as Lambda runs it, every RefreshSchedule period, until all are refreshed, once with
 * neither spread nor budget, once with the budget only, once with the template's spread and budget.
 * Time between runs is skipped (the stack's clock jumps one schedule period), time inside a run is
 * real; each provider call is counted in the second of the stack's clock it was answered in. Prints
 * calls per second (max, p50 and p99 over the seconds with calls), calls per run, and how close to
 * its expiry the last account was refreshed. Asserts nothing.
 */
public final class RefreshSpreadBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_RUNS = 40;

    record Case(String name, int budget, Duration spread) {}

    public static void main(String[] args) throws Exception {
        int accounts = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int budget = args.length > 1
                ? Integer.parseInt(args[1])
                : Integer.parseInt(SamTemplate.project().parameterDefault("ProviderCallBudget"));
        PrintStream out = System.out;
        System.setOut(new PrintStream(new EmfLines(), true, StandardCharsets.UTF_8));
        Duration spread = Duration.parse(SamTemplate.project().parameterDefault("RefreshSpread"));
        out.printf(
                "Refresh spread: %,d accounts entering the lead window together, local emulator and provider; runs every"
                        + " schedule period (the stack's clock jumps between runs, runs take real time)%n%n",
                accounts);
        out.println("| case | runs | refreshed | calls/s max | calls/s p50 | calls/s p99 | seconds with calls |"
                + " largest run | refreshed last, before expiry |");
        out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (Case c : List.of(
                new Case("no spread, no budget", 0, Duration.ZERO),
                new Case("no spread, budget " + budget + "/s", budget, Duration.ZERO),
                new Case("spread " + spread.toMinutes() + " min, budget " + budget + "/s", budget, spread))) {
            out.println(runCase(c, accounts));
        }
        System.exit(0);
    }

    private static String runCase(Case c, int accounts) throws Exception {
        LocalStack aws = LocalStack.create();
        try (LocalOAuthProvider provider = LocalOAuthProvider.start()) {
            Map<String, String> env = new HashMap<>(aws.functionEnvironment(provider.environment()));
            env.put("PROVIDER_CALL_BUDGET", Integer.toString(c.budget()));
            env.put("REFRESH_SPREAD", c.spread().toString());
            ReauthConfig config = ReauthConfig.from(env);
            // the function's timeout as the stack configures it (REFRESH_FUNCTION_TIMEOUT, the template's
            // RefreshFunctionTimeout): the template's Timeout is a Ref, which TemplateFunction reads as its 30 s
            // fallback
            int timeoutSeconds = (int) config.safety().functionTimeout().toSeconds();
            JumpingClock clock = new JumpingClock();
            Wiring.Graph graph = Wiring.graph(
                    config,
                    AwsClients.create(config, LocalStack.CREDENTIALS, List.of()),
                    new HttpAuthorizationServer(config.provider(), config.providerTimeout(), config.providerTimeout()),
                    clock);
            RefreshHandler handler = new RefreshHandler(graph.api(), graph.schedule(), clock);
            RefreshGrants grants = provider.refreshGrants();

            // every access token enters the lead window within the seeding: all due together
            grants.accessTokenLifetime(config.refresh().lead().minusSeconds(5));
            List<String> ids = RefreshBench.seed(aws, provider, config, accounts);
            grants.accessTokenLifetime(Duration.ofHours(8));
            Instant earliestExpiry = ids.stream()
                    .map(id -> Instant.ofEpochMilli(Long.parseLong(aws.dynamo()
                            .getItem(g ->
                                    g.tableName(aws.accountsTable()).key(Map.of(Accounts.ID, AttributeValue.fromS(id))))
                            .item()
                            .get(Accounts.EXPIRES_AT)
                            .n())))
                    .min(Instant::compareTo)
                    .orElseThrow();
            clock.jump(Duration.ofSeconds(10)); // every seeded account is in the lead window now

            ConcurrentLinkedQueue<Long> answeredAt = new ConcurrentLinkedQueue<>();
            grants.onRefreshAnswered(answer -> answeredAt.add(clock.instant().getEpochSecond()));
            int refreshed = 0;
            int runs = 0;
            Instant started = clock.instant();
            int largestRun = 0;
            byte[] event =
                    ProjectFiles.eventJson("refresh-schedule.json").toString().getBytes(StandardCharsets.UTF_8);
            while (refreshed < accounts && runs < MAX_RUNS) {
                Instant runStarted = clock.instant();
                ByteArrayOutputStream response = new ByteArrayOutputStream();
                handler.handleRequest(
                        new ByteArrayInputStream(event),
                        response,
                        new ScheduledContext(Duration.ofSeconds(timeoutSeconds)));
                JsonNode summary = JSON.readTree(response.toString(StandardCharsets.UTF_8));
                System.err.println(c.name() + " run " + (runs + 1) + " at +"
                        + Duration.between(started, runStarted).toMinutes() + " min: " + summary);
                int n = summary.path("refreshed").asInt();
                refreshed += n;
                largestRun = Math.max(largestRun, n);
                runs++;
                // the next scheduled run starts one schedule period after this one started
                Duration ran = Duration.between(runStarted, clock.instant());
                Duration period = config.refresh().schedulePeriod();
                if (ran.compareTo(period) < 0) {
                    clock.jump(period.minus(ran));
                }
            }
            Map<Long, Integer> perSecond = new TreeMap<>();
            answeredAt.forEach(second -> perSecond.merge(second, 1, Integer::sum));
            List<Integer> counts = perSecond.values().stream().sorted().toList();
            long lastCall = perSecond.isEmpty() ? 0 : ((TreeMap<Long, Integer>) perSecond).lastKey();
            Duration margin = Duration.between(Instant.ofEpochSecond(lastCall), earliestExpiry);
            return String.format(
                    "| %s | %d | %,d of %,d | %d | %d | %d | %,d | %,d | %d min |",
                    c.name(),
                    runs,
                    refreshed,
                    accounts,
                    counts.isEmpty() ? 0 : counts.getLast(),
                    percentile(counts, 50),
                    percentile(counts, 99),
                    counts.size(),
                    largestRun,
                    margin.toMinutes());
        }
    }

    private static int percentile(List<Integer> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    /** The stack's clock: real time, plus the schedule periods skipped between runs. */
    private static final class JumpingClock extends Clock {
        private final AtomicLong skippedMillis = new AtomicLong();

        void jump(Duration by) {
            skippedMillis.addAndGet(by.toMillis());
        }

        @Override
        public Instant instant() {
            return Instant.now().plusMillis(skippedMillis.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
