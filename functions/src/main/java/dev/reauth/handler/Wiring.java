package dev.reauth.handler;

import dev.reauth.aws.AwsClients;
import dev.reauth.aws.DynamoAccountDirectory;
import dev.reauth.aws.DynamoAccountWriter;
import dev.reauth.aws.DynamoAdoptionLedger;
import dev.reauth.aws.DynamoLinkStore;
import dev.reauth.aws.DynamoLinkedAccounts;
import dev.reauth.aws.DynamoProviderCallBudget;
import dev.reauth.aws.DynamoRefreshLedger;
import dev.reauth.aws.DynamoRefreshTokenDeadlines;
import dev.reauth.aws.DynamoSecondRefresherLedger;
import dev.reauth.aws.DynamoSessionStore;
import dev.reauth.aws.DynamoStackAlertMarks;
import dev.reauth.aws.KmsTokenVault;
import dev.reauth.aws.SnsAlertPublisher;
import dev.reauth.aws.SnsEventPublisher;
import dev.reauth.aws.SqsTokenRescue;
import dev.reauth.config.ReauthConfig;
import dev.reauth.domain.AlertPublisher;
import dev.reauth.domain.AuthorizationServer;
import dev.reauth.domain.ReauthService;
import dev.reauth.domain.ReplacedGrants;
import dev.reauth.http.ReauthApi;
import dev.reauth.link.LinkIssuer;
import dev.reauth.link.LinkService;
import dev.reauth.log.StructuredLog;
import dev.reauth.provider.HttpAuthorizationServer;
import dev.reauth.provider.HttpProviderProfile;
import dev.reauth.refresh.AdoptionTrust;
import dev.reauth.refresh.DeathVerdict;
import dev.reauth.refresh.DependencyRetry;
import dev.reauth.refresh.ExpiringAlerts;
import dev.reauth.refresh.GraceDeathVerdict;
import dev.reauth.refresh.ProviderCallBudget;
import dev.reauth.refresh.ProviderCallPace;
import dev.reauth.refresh.RefreshService;
import dev.reauth.refresh.RescueDrain;
import dev.reauth.refresh.ScheduledRefresh;
import dev.reauth.refresh.StackWideAlerts;
import dev.reauth.refresh.TokenIntake;
import dev.reauth.refresh.TokenLanding;
import dev.reauth.refresh.TokenRescue;
import dev.reauth.web.WebApp;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/** Builds the object graph the handlers run on; the only place that knows every concrete class. */
public final class Wiring {

    private static final StructuredLog LOG = StructuredLog.of(Wiring.class);

    private Wiring() {}

    /**
     * What the handlers run on: the HTTP API, the scheduled refresh run, the re-auth links' routes, and
     * the expiring-deadline warning that follows each scheduled run.
     */
    public record Graph(ReauthApi api, ScheduledRefresh schedule, WebApp web, ExpiringAlerts expiring) {}

    /** The production graph: configuration and clients from the environment, built once at init. */
    public static Graph fromEnvironment() {
        ReauthConfig config = ReauthConfig.fromEnvironment();
        AwsClients aws = AwsClients.fromEnvironment(config);
        AuthorizationServer provider = new HttpAuthorizationServer(
                config.provider(),
                config.providerTimeout(),
                config.providerTimeout(),
                config.providerUserAgent(),
                config.revokeUrl(),
                config.accessTokenLifetime());
        return graph(config, aws, provider, Clock.systemUTC());
    }

    /** The whole graph over the given clients, provider and clock. */
    public static Graph graph(ReauthConfig config, AwsClients aws, AuthorizationServer provider, Clock clock) {
        ReauthService service = service(config, aws, provider, clock);
        LinkService links = links(config, aws, service, clock);
        RefreshService refresher = refreshService(config, aws, provider, clock, links);
        ScheduledRefresh schedule = new ScheduledRefresh(
                ledger(config, aws),
                refresher,
                config.refresh(),
                config.safety().perRefreshBudget(),
                clock,
                rescue(config, aws)
                        .map(queue -> new RescueDrain(
                                queue,
                                new KmsTokenVault(aws.kms(), config.tokenKeyId()),
                                ledger(config, aws),
                                new SnsEventPublisher(aws.sns(), config.topicArn()),
                                clock)),
                config.safety().functionTimeout());
        TokenIntake intake = new TokenIntake(
                ledger(config, aws),
                directory(config, aws),
                new KmsTokenVault(aws.kms(), config.tokenKeyId()),
                new SnsEventPublisher(aws.sns(), config.topicArn()),
                alerts(config, aws),
                clock,
                Optional.of(new DynamoSecondRefresherLedger(aws.dynamo(), config.accountsTable())),
                config.secondRefresher(),
                config.refresh().lead(),
                adoptionTrust(config, aws, clock),
                DependencyRetry.forAdoption());
        return new Graph(
                new ReauthApi(service, refresher, intake, config.healthRules(), clock),
                schedule,
                new WebApp(links),
                expiring(config, aws, clock, links));
    }

    /** What an adoption passes first: the per-account limit, then the provider's profile endpoint. */
    private static AdoptionTrust adoptionTrust(ReauthConfig config, AwsClients aws, Clock clock) {
        return new AdoptionTrust(
                new DynamoAdoptionLedger(aws.dynamo(), config.accountsTable()),
                new HttpProviderProfile(
                        config.adoption().profileUrl(), config.adoption().profileTimeout(), config.providerUserAgent()),
                alerts(config, aws),
                config.adoption().perMinute(),
                clock);
    }

    /** Re-auth links over the given clients and service. */
    public static LinkService links(ReauthConfig config, AwsClients aws, ReauthService service, Clock clock) {
        return new LinkService(
                directory(config, aws),
                new DynamoLinkedAccounts(aws.dynamo(), config.accountsTable()),
                new DynamoLinkStore(aws.dynamo(), config.sessionsTable()),
                service,
                config.links(),
                config.claimLease(),
                clock,
                SecureRandom::new);
    }

    /** The re-authentication service over the given clients, provider and clock. */
    public static ReauthService service(
            ReauthConfig config, AwsClients aws, AuthorizationServer provider, Clock clock) {
        return new ReauthService(
                directory(config, aws),
                new DynamoSessionStore(aws.dynamo(), config.sessionsTable(), config.claimLease()),
                new DynamoAccountWriter(
                        aws.dynamo(),
                        config.accountsTable(),
                        config.sessionsTable(),
                        config.refresh().buckets()),
                new KmsTokenVault(aws.kms(), config.tokenKeyId()),
                new SnsEventPublisher(aws.sns(), config.topicArn()),
                alerts(config, aws),
                provider,
                config.provider(),
                config.sessionTtl(),
                clock,
                SecureRandom::new,
                config.revokeUrl().map(url -> replacedGrants(config, aws, provider)));
    }

    /** Revocation of what a re-authentication replaces: the account's current tokens read and opened before the write. */
    private static ReplacedGrants replacedGrants(ReauthConfig config, AwsClients aws, AuthorizationServer provider) {
        DynamoRefreshLedger ledger = ledger(config, aws);
        return new ReplacedGrants(
                accountId -> ledger.sealed(accountId)
                        .map(stored -> new ReplacedGrants.Held(stored.tokenVersion(), stored.ciphertext())),
                new KmsTokenVault(aws.kms(), config.tokenKeyId()),
                provider);
    }

    /** The refresher over the given clients, provider and clock. */
    public static RefreshService refreshService(
            ReauthConfig config, AwsClients aws, AuthorizationServer provider, Clock clock) {
        return refreshService(config, aws, provider, clock, null);
    }

    /** The refresher; with a web base URL configured, its dead-account alerts carry a link from {@code links}. */
    private static RefreshService refreshService(
            ReauthConfig config, AwsClients aws, AuthorizationServer provider, Clock clock, LinkIssuer links) {
        KmsTokenVault vault = new KmsTokenVault(aws.kms(), config.tokenKeyId());
        DynamoRefreshLedger ledger = ledger(config, aws);
        return new RefreshService(
                ledger,
                vault,
                provider,
                new SnsEventPublisher(aws.sns(), config.topicArn()),
                // a fault of the whole stack (the provider refuses its client) is one alert a day, not one per account
                new StackWideAlerts(
                        alerts(config, aws), new DynamoStackAlertMarks(aws.dynamo(), config.sessionsTable()), clock),
                config.refresh(),
                RefreshService.refreshScopes(config.provider().scopes()),
                clock,
                Optional.ofNullable(links)
                        .filter(issuer -> config.links().webBaseUrl().isPresent()),
                config.safety(),
                new TokenLanding(ledger, vault, rescue(config, aws), config.safety(), clock),
                deathVerdict(config, aws, clock),
                new ProviderCallPace(providerCallBudget(config, aws), clock, Thread::sleep));
    }

    /** The stack-wide provider call budget (PROVIDER_CALL_BUDGET), shared through the sessions table; none when 0. */
    private static ProviderCallBudget providerCallBudget(ReauthConfig config, AwsClients aws) {
        int callsPerSecond = config.refresh().pacing().callsPerSecond();
        return callsPerSecond > 0
                ? new DynamoProviderCallBudget(aws.dynamo(), config.sessionsTable(), callsPerSecond)
                : ProviderCallBudget.UNLIMITED;
    }

    /** The rescue queue, when RESCUE_QUEUE_URL names one. */
    private static Optional<TokenRescue> rescue(ReauthConfig config, AwsClients aws) {
        return config.safety().rescueQueueUrl().map(url -> new SqsTokenRescue(aws.sqs(), url));
    }

    /** A refused refresh of an account a proxy's agent serves is held for the grace window first. */
    private static DeathVerdict deathVerdict(ReauthConfig config, AwsClients aws, Clock clock) {
        return new GraceDeathVerdict(
                ledger(config, aws),
                new DynamoSecondRefresherLedger(aws.dynamo(), config.accountsTable()),
                config.secondRefresher().deadGrace(),
                config.secondRefresher().agentFreshness(),
                clock,
                Thread::sleep);
    }

    /** The expiring-deadline warning; with a web base URL configured, each alert carries a link from {@code links}. */
    public static ExpiringAlerts expiring(ReauthConfig config, AwsClients aws, Clock clock, LinkIssuer links) {
        return new ExpiringAlerts(
                new DynamoRefreshTokenDeadlines(
                        aws.dynamo(),
                        config.accountsTable(),
                        config.deadlines().deadlineIndex(),
                        config.refresh().buckets()),
                alerts(config, aws),
                Optional.ofNullable(links)
                        .filter(issuer -> config.links().webBaseUrl().isPresent()),
                config.deadlines().warning(),
                clock);
    }

    private static DynamoAccountDirectory directory(ReauthConfig config, AwsClients aws) {
        return new DynamoAccountDirectory(aws.dynamo(), config.accountsTable(), config.accountsNameIndex());
    }

    private static DynamoRefreshLedger ledger(ReauthConfig config, AwsClients aws) {
        return new DynamoRefreshLedger(
                aws.dynamo(),
                config.accountsTable(),
                config.refresh().refreshIndex(),
                config.refresh().buckets());
    }

    /** The alerts topic, or, without one, alerts only in the logs. */
    private static AlertPublisher alerts(ReauthConfig config, AwsClients aws) {
        return config.refresh()
                .alertsTopicArn()
                .<AlertPublisher>map(topic -> new SnsAlertPublisher(aws.sns(), topic))
                .orElse(alert ->
                        LOG.warn("alert.not_sent_no_topic", "kind", alert.kind().wire(), "subject", alert.subject()));
    }
}
