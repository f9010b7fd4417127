package dev.reauth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.aws.AwsClients;
import dev.reauth.config.ReauthConfig;
import dev.reauth.handler.RefreshHandler;
import dev.reauth.handler.Wiring;
import dev.reauth.local.AwsFaultProxy;
import dev.reauth.local.AwsFaultProxy.Calls;
import dev.reauth.local.AwsFaultProxy.Failure;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.local.LocalStack;
import dev.reauth.local.ProjectFiles;
import dev.reauth.local.RefreshGrants;
import dev.reauth.provider.HttpAuthorizationServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Issue 17's chaos run: 100 accounts whose access tokens live 60 s, refreshed 20 s ahead by the
 * schedule every 5 s (RefreshHandler in-process, runs may overlap as EventBridge's do), 5 proxies
 * reading all the time, for 10 minutes; meanwhile 5 % of the refresher's AWS calls fail (loopback
 * fault proxy), 2 % of provider refreshes answer 500, 1 % of provider answers are lost after
 * rotating, KMS is down for 60 s once, and a second refresher works 10 % of the accounts. Then
 * three clean runs let rescued tokens land. Prints figures; asserts nothing.
 */
public final class ChaosBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ACCOUNTS = 100;
    private static final Duration LIFETIME = Duration.ofSeconds(60);
    private static final Duration LEAD = Duration.ofSeconds(20);
    private static final Duration PERIOD = Duration.ofSeconds(5);
    private static final int READERS = 5;

    public static void main(String[] args) throws Exception {
        Duration length = Duration.ofMinutes(10);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--minutes") && i + 1 < args.length) {
                length = Duration.ofSeconds(Math.round(Double.parseDouble(args[++i]) * 60));
            }
        }
        Duration kmsOutage = length.dividedBy(4).compareTo(Duration.ofSeconds(60)) < 0
                ? length.dividedBy(4)
                : Duration.ofSeconds(60);
        PrintStream out = System.out;
        // the functions' log lines are not the benchmark's output
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));

        LocalStack aws = LocalStack.create();
        String alerts = aws.subscribeAlertsQueue(
                "chaos-alerts-" + UUID.randomUUID().toString().substring(0, 8));
        String rescue = aws.sqs()
                .createQueue(q -> q.queueName(
                                "chaos-rescue-" + UUID.randomUUID().toString().substring(0, 8))
                        .attributes(Map.of(
                                QueueAttributeName.SQS_MANAGED_SSE_ENABLED, "true",
                                QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600")))
                .queueUrl();
        try (LocalOAuthProvider provider = LocalOAuthProvider.start();
                AwsFaultProxy proxy = AwsFaultProxy.start(aws.endpoint())) {
            Map<String, String> env = new HashMap<>(aws.functionEnvironment(provider.environment()));
            env.put("AWS_ENDPOINT_URL", proxy.endpoint().toString());
            env.put("REFRESH_LEAD", LEAD.toString());
            env.put("RESCUE_QUEUE_URL", rescue);
            env.put("REFRESH_FUNCTION_TIMEOUT", "PT180S");
            ReauthConfig config = ReauthConfig.from(env);
            // the refresher's run deadline comes from the Lambda context: the function timeout the stack deploys
            // (RefreshFunctionTimeout, 180 s by default), and the same value its start-up checks use
            Duration functionTimeout = Duration.ofSeconds(180);
            AwsClients clients = AwsClients.create(config, LocalStack.CREDENTIALS, List.of());
            Wiring.Graph graph = Wiring.graph(
                    config,
                    clients,
                    new HttpAuthorizationServer(config.provider(), config.providerTimeout(), config.providerTimeout()),
                    Clock.systemUTC());
            RefreshHandler handler = new RefreshHandler(graph.api(), graph.schedule(), Clock.systemUTC());
            RefreshGrants grants = provider.refreshGrants();
            grants.accessTokenLifetime(LIFETIME);
            List<String> ids = RefreshBench.seed(aws, provider, config, ACCOUNTS);
            List<String> secondRefresherIds = ids.subList(0, ACCOUNTS / 10);
            Map<String, String> firstTokens = new HashMap<>();
            ChaosActors actors = new ChaosActors(aws, provider, handler, LEAD);
            for (String id : ids) {
                firstTokens.put(id, actors.tokens(id, actors.item(id)).refreshToken());
            }

            out.printf(
                    "Chaos run: %d accounts, expires_in %d s, lead %d s, schedule every %d s, %d proxies reading, %s;%n"
                            + "faults: 5 %% of the refresher's AWS calls fail, 2 %% of provider refreshes answer 500,"
                            + " 1 %% of provider answers lost after rotating,%n"
                            + "one %d s KMS outage at 30 %% of the run, a second refresher on %d accounts.%n%n",
                    ACCOUNTS,
                    LIFETIME.toSeconds(),
                    LEAD.toSeconds(),
                    PERIOD.toSeconds(),
                    READERS,
                    length.toSeconds() + " s",
                    kmsOutage.toSeconds(),
                    secondRefresherIds.size());

            proxy.failPercent(Calls.all(), Failure.SERVER_ERROR, 5);
            grants.serverErrorShare(2);
            grants.afterRotationShare(RefreshGrants.AfterRotation.LOST, 1);
            AtomicInteger runs = new AtomicInteger();
            AtomicInteger failedRuns = new AtomicInteger();
            ExecutorService work = Executors.newCachedThreadPool();
            for (int r = 0; r < READERS; r++) {
                work.submit(() -> actors.readForever(ids));
            }
            work.submit(() -> actors.refreshAhead(secondRefresherIds));
            ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor();
            schedule.scheduleAtFixedRate(
                    () -> work.submit(() -> runSchedule(handler, functionTimeout, runs, failedRuns)),
                    0,
                    PERIOD.toMillis(),
                    TimeUnit.MILLISECONDS);
            schedule.schedule(
                    () -> proxy.failFor(Calls.named("kms"), Failure.UNAVAILABLE, kmsOutage),
                    length.multipliedBy(3).dividedBy(10).toMillis(),
                    TimeUnit.MILLISECONDS);

            Thread.sleep(length.toMillis());
            schedule.shutdownNow();
            actors.stop();
            proxy.clear();
            grants.serverErrorShare(0);
            grants.afterRotationShare(RefreshGrants.AfterRotation.LOST, 0);
            work.shutdown();
            work.awaitTermination(2, TimeUnit.MINUTES);
            actors.awaitHandOvers();
            for (int i = 0; i < 3; i++) {
                runSchedule(handler, functionTimeout, runs, failedRuns);
                Thread.sleep(PERIOD.toMillis());
            }
            ChaosFigures.print(out, aws, alerts, rescue, proxy, grants, actors, ids, runs.get(), failedRuns.get());
        }
        System.exit(0);
    }

    /** One scheduled invocation, with the Lambda context of the function's timeout. */
    private static void runSchedule(
            RefreshHandler handler, Duration functionTimeout, AtomicInteger runs, AtomicInteger failedRuns) {
        try {
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            handler.handleRequest(
                    new ByteArrayInputStream(ProjectFiles.eventJson("refresh-schedule.json")
                            .toString()
                            .getBytes(StandardCharsets.UTF_8)),
                    response,
                    new ScheduledContext(functionTimeout));
            runs.incrementAndGet();
        } catch (Exception | Error failed) {
            // a failed invocation: EventBridge's next one is the retry
            failedRuns.incrementAndGet();
        }
    }
}
