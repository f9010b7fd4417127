package dev.reauth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.config.RefreshSafety;
import dev.reauth.recorder.AwsCallRecorder;
import dev.reauth.refresh.ScheduledRefresh;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The refresher on one machine, for {@code infra/local-run --serve}: the refresh schedule every few
 * seconds against the emulator (as EventBridge runs RefreshFunction), and a running account of what
 * happens: runs that did something, the events the fleet topic carries (rotations, dead accounts),
 * and the alerts that reach the alerts topic (a queue subscribed to it stands in for the operator's
 * email or webhook). One line each, with the time.
 */
final class RefreshWatch implements AutoCloseable {

    /** How often the schedule runs here (the template's default is every 5 minutes). */
    static final Duration EVERY = Duration.ofSeconds(5);
    /** The same as the functions' REFRESH_SCHEDULE, so the stack's health verdict judges by this period. */
    static final String SCHEDULE = "rate(" + EVERY.toSeconds() + " seconds)";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalDeployment deployment;
    private final PrintStream out;
    private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("local-refresh-schedule").factory());
    private final List<Thread> pollers = new ArrayList<>();
    private final Map<String, String> names = new ConcurrentHashMap<>();
    private volatile boolean open = true;
    private volatile boolean paused;

    private RefreshWatch(LocalDeployment deployment, PrintStream out) {
        this.deployment = deployment;
        this.out = out;
    }

    /** Subscribes to both topics and starts the schedule. */
    static RefreshWatch start(LocalDeployment deployment, PrintStream out) {
        RefreshWatch watch = new RefreshWatch(deployment, out);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        watch.poll(deployment.aws().subscribeQueue("local-run-fleet-" + suffix), watch::fleetEvent);
        watch.poll(deployment.aws().subscribeAlertsQueue("local-run-alerts-" + suffix), watch::alert);
        watch.schedule.scheduleWithFixedDelay(watch::runOnce, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    /** Prints one watch line: the time, what kind of thing happened, what. */
    void line(String kind, String text) {
        synchronized (out) {
            out.printf(
                    "[%s] %-9s %s%n",
                    LocalTime.now().truncatedTo(ChronoUnit.SECONDS).format(TIME), kind, text);
        }
    }

    /** An account's name, for lines about an account id (read once per account). */
    String nameOf(String accountId) {
        return names.computeIfAbsent(accountId, id -> {
            Map<String, AttributeValue> item = deployment
                    .aws()
                    .dynamo()
                    .getItem(g -> g.tableName(deployment.aws().accountsTable())
                            .key(Map.of(Accounts.ID, AttributeValue.fromS(id)))
                            .projectionExpression("#n")
                            .expressionAttributeNames(Map.of("#n", Accounts.NAME)))
                    .item();
            return item != null && item.containsKey(Accounts.NAME)
                    ? item.get(Accounts.NAME).s()
                    : id;
        });
    }

    /** Stops (or restarts) the schedule, as disabling its EventBridge rule would; the watch lines go on. */
    void pause(boolean pause) {
        paused = pause;
    }

    private void runOnce() {
        if (paused) {
            return;
        }
        // the schedule's AWS calls are RefreshFunction's (the integration tests record them)
        AwsCallRecorder.as("RefreshFunction", () -> {
            runSchedule();
            return null;
        });
    }

    private void runSchedule() {
        try {
            // a run's time as RefreshFunction gets it outside Lambda: the configured function timeout, less
            // the margin (a shorter one would leave no room to start a refresh with the provider's timeout)
            ScheduledRefresh schedule = deployment.schedule();
            ScheduledRefresh.Summary run =
                    schedule.run(Instant.now().plus(schedule.functionTimeout()).minus(RefreshSafety.RUN_MARGIN));
            List<String> did = new ArrayList<>();
            count(did, run.refreshed(), "refreshed");
            count(did, run.failed(), "failed (tried again after a backoff)");
            count(did, run.dead(), "found dead");
            count(did, run.throttled(), "throttled");
            count(did, run.leftForNextRun(), "left for the next run");
            if (!did.isEmpty()) {
                line("schedule", run.due() + " due: " + String.join(", ", did));
            }
            // as RefreshFunction does after each scheduled run; the alert itself is shown with the others
            int warned = deployment.expiring().run();
            if (warned > 0) {
                line("schedule", warned + " account(s) warned: refresh token expiring");
            }
        } catch (RuntimeException e) {
            // the function log has the details; the schedule goes on, as EventBridge's would
            line("schedule", "the run failed (" + e.getClass().getSimpleName() + "); see the function log");
        }
    }

    private static void count(List<String> did, int n, String what) {
        if (n > 0) {
            did.add(n + " " + what);
        }
    }

    private void fleetEvent(String envelope) {
        TokenEvent.parse(message(envelope)).ifPresent(event -> {
            names.putIfAbsent(event.accountId(), event.accountName());
            String what = switch (event.type()) {
                case TokenEvent.TOKENS_ROTATED -> "tokens rotated";
                case TokenEvent.REAUTH_REQUIRED ->
                    "requires re-authentication"
                            + event.reason().map(r -> " (" + r + ")").orElse("");
                case TokenEvent.RELOAD_REQUESTED -> "reload requested";
                default -> event.type();
            };
            line(
                    "fleet",
                    event.accountName() + ": " + what + ", token_version " + event.tokenVersion() + "  [" + event.type()
                            + "]");
        });
    }

    private void alert(String envelope) {
        String message = message(envelope);
        try {
            JsonNode alert = JSON.readTree(message);
            line(
                    "ALERT",
                    alert.path("kind").asText() + ": "
                            + alert.path("accountName").asText() + ": "
                            + alert.path("what").asText() + " Fix: "
                            + alert.path("fix").asText());
        } catch (IOException notJson) {
            line("ALERT", message.lines().findFirst().orElse(""));
        }
    }

    /** The SNS notification's own message, from the envelope SQS delivers. */
    private static String message(String envelope) {
        try {
            return JSON.readTree(envelope).path("Message").asText(envelope);
        } catch (IOException notAnEnvelope) {
            return envelope;
        }
    }

    private void poll(String queueUrl, Consumer<String> handle) {
        pollers.add(Thread.ofPlatform().daemon().name("local-run-watch").start(() -> {
            while (open) {
                try {
                    for (Message m : deployment
                            .aws()
                            .sqs()
                            .receiveMessage(
                                    r -> r.queueUrl(queueUrl).waitTimeSeconds(1).maxNumberOfMessages(10))
                            .messages()) {
                        handle.accept(m.body());
                        deployment
                                .aws()
                                .sqs()
                                .deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
                    }
                } catch (SdkException e) {
                    if (open) {
                        sleep();
                    }
                }
            }
        }));
    }

    private static void sleep() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        open = false;
        schedule.shutdownNow();
    }
}
