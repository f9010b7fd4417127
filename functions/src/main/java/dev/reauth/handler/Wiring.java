package dev.reauth.handler;

import dev.reauth.aws.AwsClients;
import dev.reauth.aws.DynamoAccountDirectory;
import dev.reauth.aws.DynamoAccountWriter;
import dev.reauth.aws.DynamoRefreshLedger;
import dev.reauth.aws.DynamoSessionStore;
import dev.reauth.aws.KmsTokenVault;
import dev.reauth.aws.SnsAlertPublisher;
import dev.reauth.aws.SnsEventPublisher;
import dev.reauth.config.ReauthConfig;
import dev.reauth.domain.AlertPublisher;
import dev.reauth.domain.AuthorizationServer;
import dev.reauth.domain.ReauthService;
import dev.reauth.http.ReauthApi;
import dev.reauth.log.StructuredLog;
import dev.reauth.provider.HttpAuthorizationServer;
import dev.reauth.refresh.RefreshService;
import dev.reauth.refresh.ScheduledRefresh;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/** Builds the object graph the handlers run on; the only place that knows every concrete class. */
public final class Wiring {

    private static final StructuredLog LOG = StructuredLog.of(Wiring.class);
    /** The AWS calls of one refresh, on top of the provider's timeout. */
    private static final Duration AWS_CALLS_BUDGET = Duration.ofSeconds(5);

    private Wiring() {
    }

    /** What the handlers run on: the HTTP API, and the scheduled refresh run. */
    public record Graph(ReauthApi api, ScheduledRefresh schedule) {
    }

    /** The production graph: configuration and clients from the environment, built once at init. */
    public static Graph fromEnvironment() {
        ReauthConfig config = ReauthConfig.fromEnvironment();
        AwsClients aws = AwsClients.fromEnvironment(config);
        AuthorizationServer provider = new HttpAuthorizationServer(config.provider(), config.providerTimeout(), config.providerTimeout());
        return graph(config, aws, provider, Clock.systemUTC());
    }

    /** The whole graph over the given clients, provider and clock. */
    public static Graph graph(ReauthConfig config, AwsClients aws, AuthorizationServer provider, Clock clock) {
        RefreshService refresher = refreshService(config, aws, provider, clock);
        ScheduledRefresh schedule = new ScheduledRefresh(ledger(config, aws), refresher, config.refresh(),
                config.providerTimeout().multipliedBy(2).plus(AWS_CALLS_BUDGET), clock);
        return new Graph(new ReauthApi(service(config, aws, provider, clock), refresher), schedule);
    }

    /** The re-authentication service over the given clients, provider and clock. */
    public static ReauthService service(ReauthConfig config, AwsClients aws, AuthorizationServer provider, Clock clock) {
        return new ReauthService(
                new DynamoAccountDirectory(aws.dynamo(), config.accountsTable(), config.accountsNameIndex()),
                new DynamoSessionStore(aws.dynamo(), config.sessionsTable(), config.claimLease()),
                new DynamoAccountWriter(aws.dynamo(), config.accountsTable(), config.sessionsTable(), config.refresh().buckets()),
                new KmsTokenVault(aws.kms(), config.tokenKeyId()),
                new SnsEventPublisher(aws.sns(), config.topicArn()),
                alerts(config, aws),
                provider,
                config.provider(),
                config.sessionTtl(),
                clock,
                SecureRandom::new);
    }

    /** The refresher over the given clients, provider and clock. */
    public static RefreshService refreshService(ReauthConfig config, AwsClients aws, AuthorizationServer provider, Clock clock) {
        return new RefreshService(ledger(config, aws), new KmsTokenVault(aws.kms(), config.tokenKeyId()), provider,
                new SnsEventPublisher(aws.sns(), config.topicArn()), alerts(config, aws), config.refresh(),
                RefreshService.refreshScopes(config.provider().scopes()), clock);
    }

    private static DynamoRefreshLedger ledger(ReauthConfig config, AwsClients aws) {
        return new DynamoRefreshLedger(aws.dynamo(), config.accountsTable(), config.refresh().refreshIndex(),
                config.refresh().buckets());
    }

    /** The alerts topic, or, without one, alerts only in the logs. */
    private static AlertPublisher alerts(ReauthConfig config, AwsClients aws) {
        return config.refresh().alertsTopicArn()
                .<AlertPublisher>map(topic -> new SnsAlertPublisher(aws.sns(), topic))
                .orElse(alert -> LOG.warn("alert.not_sent_no_topic", "kind", alert.kind().wire(), "subject", alert.subject()));
    }
}
