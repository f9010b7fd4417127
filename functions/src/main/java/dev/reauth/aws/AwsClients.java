package dev.reauth.aws;

import dev.reauth.config.ReauthConfig;
import dev.reauth.config.RefreshSafety;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The one place AWS clients are built: once, at init, with an explicit region and credentials
 * provider and the light URL-connection HTTP client (no Apache, no Netty), so cold start stays
 * small. An endpoint override (AWS_ENDPOINT_URL) points them at an emulator. Every client gets the
 * same explicit budget (AWS_CALL_TIMEOUT for a call with its retries, AWS_ATTEMPT_TIMEOUT per
 * attempt, {@value #MAX_ATTEMPTS} standard-mode attempts): the refresher's arithmetic counts on it.
 */
public record AwsClients(DynamoDbClient dynamo, KmsClient kms, SnsClient sns, SqsClient sqs) {

    /** Attempts per AWS call, the first included (the SDK's standard mode, with its jittered backoff). */
    public static final int MAX_ATTEMPTS = 3;

    /** Clients for Lambda: credentials from the environment Lambda sets, or the default chain elsewhere. */
    public static AwsClients fromEnvironment(ReauthConfig config) {
        AwsCredentialsProvider credentials = System.getenv("AWS_ACCESS_KEY_ID") != null
                ? EnvironmentVariableCredentialsProvider.create()
                : DefaultCredentialsProvider.builder().build();
        AwsClients clients = create(config, credentials, List.of());
        SdkPriming.registerFor(clients);
        return clients;
    }

    /** Clients with the given credentials and interceptors (tests count calls with one). */
    public static AwsClients create(
            ReauthConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(config.safety().awsAttemptTimeout())
                .socketTimeout(config.safety().awsAttemptTimeout())
                .build();
        // building a client is mostly class loading; they share nothing, so they are built side
        // by side (measured: about 50 ms off a cold start under the Runtime Interface Emulator)
        CompletableFuture<KmsClient> kms = CompletableFuture.supplyAsync(
                () -> configure(KmsClient.builder(), config, credentials, interceptors)
                        .httpClient(http)
                        .build(),
                Thread::startVirtualThread);
        CompletableFuture<SnsClient> sns = CompletableFuture.supplyAsync(
                () -> configure(SnsClient.builder(), config, credentials, interceptors)
                        .httpClient(http)
                        .build(),
                Thread::startVirtualThread);
        CompletableFuture<SqsClient> sqs = CompletableFuture.supplyAsync(
                () -> configure(SqsClient.builder(), config, credentials, interceptors)
                        .httpClient(http)
                        .build(),
                Thread::startVirtualThread);
        DynamoDbClient dynamo = configure(DynamoDbClient.builder(), config, credentials, interceptors)
                .httpClient(http)
                .build();
        return new AwsClients(dynamo, kms.join(), sns.join(), sqs.join());
    }

    /** The override every client gets: the call budget, the attempt budget, the retry strategy, and the interceptors. */
    static ClientOverrideConfiguration overrides(RefreshSafety safety, List<ExecutionInterceptor> interceptors) {
        return ClientOverrideConfiguration.builder()
                .apiCallTimeout(safety.awsCallTimeout())
                .apiCallAttemptTimeout(safety.awsAttemptTimeout())
                .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(MAX_ATTEMPTS)
                        .build())
                .executionInterceptors(interceptors)
                .addExecutionInterceptor(SdkPriming.STOP_BEFORE_SENDING)
                .build();
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(
            B builder,
            ReauthConfig config,
            AwsCredentialsProvider credentials,
            List<ExecutionInterceptor> interceptors) {
        builder.region(Region.of(config.region()))
                .credentialsProvider(credentials)
                .overrideConfiguration(overrides(config.safety(), interceptors));
        config.endpointOverride().ifPresent(builder::endpointOverride);
        return builder;
    }
}
