package dev.reauth.handler;

import dev.reauth.aws.AwsClients;
import dev.reauth.aws.DynamoAccountDirectory;
import dev.reauth.aws.DynamoAccountWriter;
import dev.reauth.aws.DynamoSessionStore;
import dev.reauth.aws.KmsTokenVault;
import dev.reauth.aws.SnsEventPublisher;
import dev.reauth.config.ReauthConfig;
import dev.reauth.domain.AuthorizationServer;
import dev.reauth.domain.ReauthService;
import dev.reauth.http.ReauthApi;
import dev.reauth.provider.HttpAuthorizationServer;
import java.security.SecureRandom;
import java.time.Clock;

/** Builds the object graph the handlers run on; the only place that knows every concrete class. */
public final class Wiring {

    private Wiring() {
    }

    /** The production graph: configuration and clients from the environment, built once at init. */
    public static ReauthApi fromEnvironment() {
        ReauthConfig config = ReauthConfig.fromEnvironment();
        AwsClients aws = AwsClients.fromEnvironment(config);
        AuthorizationServer provider = new HttpAuthorizationServer(config.provider(), config.providerTimeout(), config.providerTimeout());
        return new ReauthApi(service(config, aws, provider, Clock.systemUTC()));
    }

    /** The service over the given clients, provider and clock. */
    public static ReauthService service(ReauthConfig config, AwsClients aws, AuthorizationServer provider, Clock clock) {
        return new ReauthService(
                new DynamoAccountDirectory(aws.dynamo(), config.accountsTable(), config.accountsNameIndex()),
                new DynamoSessionStore(aws.dynamo(), config.sessionsTable(), config.claimLease()),
                new DynamoAccountWriter(aws.dynamo(), config.accountsTable(), config.sessionsTable()),
                new KmsTokenVault(aws.kms(), config.tokenKeyId()),
                new SnsEventPublisher(aws.sns(), config.topicArn()),
                provider,
                config.provider(),
                config.sessionTtl(),
                clock,
                SecureRandom::new);
    }
}
