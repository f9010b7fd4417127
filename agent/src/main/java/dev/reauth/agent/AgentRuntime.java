package dev.reauth.agent;

import dev.reauth.fleet.DynamoAccountTokensReader;
import dev.reauth.fleet.KmsTokenDecryptor;
import dev.reauth.fleet.RequestSigner;
import dev.reauth.fleet.SqsSubscriber;
import dev.reauth.wire.TokenEvent;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * A running agent: catches up first, then follows the topic over SQS and looks for a second
 * refresher at an interval. {@link #close()} stops both.
 */
public final class AgentRuntime implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(AgentRuntime.class.getName());

    /** The events the agent's queue subscribes to. */
    public static final List<String> EVENT_TYPES =
            List.of(TokenEvent.TOKENS_ROTATED, TokenEvent.RELOAD_REQUESTED, TokenEvent.REAUTH_REQUIRED);

    private final ReauthAgent agent;
    private final SqsSubscriber subscriber;
    private final ScheduledExecutorService checks;
    private final String queueUrl;
    private final Optional<CredentialWatch> watch;
    private final List<AutoCloseable> owned;

    private AgentRuntime(
            ReauthAgent agent,
            SqsSubscriber subscriber,
            ScheduledExecutorService checks,
            String queueUrl,
            Optional<CredentialWatch> watch,
            List<AutoCloseable> owned) {
        this.agent = agent;
        this.subscriber = subscriber;
        this.checks = checks;
        this.queueUrl = queueUrl;
        this.watch = watch;
        this.owned = owned;
    }

    /** Builds the agent for {@code config} on the given clients and starts it. */
    public static AgentRuntime start(
            AgentConfig config,
            DynamoDbClient dynamo,
            KmsClient kms,
            SqsClient sqs,
            SnsClient sns,
            ReauthAgent.Listener listener) {
        config.leadWarning().ifPresent(warning -> LOG.log(Level.WARNING, "WARNING: " + warning));
        ProxyStore store;
        ProxyReloader reloader;
        if (config.proxy() == AgentConfig.Proxy.BETTER_CCFLARE) {
            store = new BetterCcflareStore(config.betterCcflareDb(), config.busyTimeout(), Clock.systemUTC());
            reloader =
                    new BetterCcflareReloader(config.betterCcflareUrl(), config.adminApiKey(), Duration.ofSeconds(5));
        } else {
            store = new JsonFileStore(config.credentialsDir());
            reloader = ProxyReloader.NONE;
        }
        TokenAdopter adopter = config.reauthApiUrl()
                .<TokenAdopter>map(api ->
                        RetryingTokenAdopter.around(new HttpTokenAdopter(api, signerFor(api), Duration.ofSeconds(10))))
                .orElse(TokenAdopter.NONE);
        ReloadRetries reloadRetries = ReloadRetries.onOwnThread(Duration.ofSeconds(1), Duration.ofMinutes(1));
        ReauthAgent agent = new ReauthAgent(
                new DynamoAccountDirectory(dynamo, config.accountsTable(), config.nameIndex()),
                new DynamoAccountTokensReader(dynamo, config.accountsTable()),
                new KmsTokenDecryptor(kms),
                store,
                reloader,
                adopter,
                AgentState.load(config.stateFile()),
                listener,
                reloadRetries);
        return start(agent, config, sqs, sns, List.of(reloadRetries));
    }

    static AgentRuntime start(
            ReauthAgent agent, AgentConfig config, SqsClient sqs, SnsClient sns, List<AutoCloseable> owned) {
        // the proxy's own refresh is handed over first: a check before the catch-up, and a watch from now on
        agent.checkForeignTokens();
        String queueUrl = config.queueUrl()
                .orElseGet(() -> SqsSubscriber.subscribeQueue(
                        sqs, sns, config.topicArn().orElseThrow(), config.queueName(), EVENT_TYPES));
        // subscribe before catching up, so nothing that happens during the catch-up is missed
        int caughtUp = agent.reconcile();
        LOG.log(Level.INFO, "caught up on start: {0} account(s) applied", caughtUp);
        SqsSubscriber subscriber = SqsSubscriber.start(sqs, queueUrl, agent::onEvent);
        ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r ->
                Thread.ofPlatform().daemon().name("reauth-agent-foreign-check").unstarted(r));
        long every = config.foreignCheckInterval().toMillis();
        checks.scheduleWithFixedDelay(agent::checkForeignTokens, every, every, TimeUnit.MILLISECONDS);
        return new AgentRuntime(agent, subscriber, checks, queueUrl, watch(agent, config), owned);
    }

    /** Watches the proxy's credentials, so its own refresh is handed to reauth within about a second. */
    private static Optional<CredentialWatch> watch(ReauthAgent agent, AgentConfig config) {
        Path file = config.proxy() == AgentConfig.Proxy.BETTER_CCFLARE
                ? config.betterCcflareDb().toAbsolutePath()
                : null;
        Path directory =
                file != null ? file.getParent() : config.credentialsDir().toAbsolutePath();
        if (directory == null || !Files.isDirectory(directory)) {
            LOG.log(
                    Level.WARNING,
                    "cannot watch the proxy''s credentials in {0}; checking at intervals only",
                    directory);
            return Optional.empty();
        }
        return Optional.of(CredentialWatch.start(
                directory,
                file != null ? CredentialWatch.sqliteFiles(file) : name -> name.endsWith(".json"),
                config.watchPoll(),
                agent::checkForeignTokens));
    }

    /** A deployed API (an execute-api host) is signed for its region; anything else (a local API) is not. */
    static Optional<RequestSigner> signerFor(URI api) {
        String host = api.getHost() == null ? "" : api.getHost();
        String[] parts = host.split("\\.");
        for (int i = 0; i + 1 < parts.length; i++) {
            if (parts[i].equals("execute-api")) {
                return Optional.of(new RequestSigner(
                        DefaultCredentialsProvider.builder().build(), parts[i + 1], Clock.systemUTC()));
            }
        }
        return Optional.empty();
    }

    public ReauthAgent agent() {
        return agent;
    }

    public String queueUrl() {
        return queueUrl;
    }

    @Override
    public void close() {
        watch.ifPresent(CredentialWatch::close);
        subscriber.close();
        checks.shutdownNow();
        for (AutoCloseable resource : owned) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing {0} failed", resource.getClass().getSimpleName());
            }
        }
    }
}
