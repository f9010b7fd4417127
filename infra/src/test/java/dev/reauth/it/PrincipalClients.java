package dev.reauth.it;

import dev.reauth.local.AwsEmulator;
import dev.reauth.local.LocalStack;
import dev.reauth.recorder.AwsCallRecorder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * AWS clients for one principal outside the stack (a proxy's fleet library as {@code FleetPolicy}, an agent as
 * {@code AgentRole}) on a test's emulator: every request they make is recorded as that principal's, so
 * RecordedCallsAllowedIT evaluates it against the principal's documented policies. The test's own clients
 * ({@link LocalStack#dynamo()}, ...) stay unrecorded: what a test reads to assert is no principal's.
 */
record PrincipalClients(DynamoDbClient dynamo, KmsClient kms, SqsClient sqs, SnsClient sns) {

    /** The fleet library's principal: a proxy server's role holding only FleetPolicy. */
    static final String FLEET = "FleetPolicy";
    /** The reauth-agent's principal: FleetPolicy, AgentPolicy and the documented queue grants. */
    static final String AGENT = "AgentRole";

    /** A proxy server whose fleet library subscribes itself (docs/proxies.md: FleetPolicy plus its queue or topic). */
    static final String FLEET_SUBSCRIBER = "FleetSubscriberRole";

    static PrincipalClients of(LocalStack aws, String principal) {
        var http = UrlConnectionHttpClient.builder().build();
        var recorded = ClientOverrideConfiguration.builder()
                .addExecutionInterceptor(AwsCallRecorder.actingAs(principal))
                .build();
        Region region = Region.of(AwsEmulator.REGION);
        return new PrincipalClients(
                DynamoDbClient.builder()
                        .endpointOverride(aws.endpoint())
                        .region(region)
                        .credentialsProvider(LocalStack.CREDENTIALS)
                        .httpClient(http)
                        .overrideConfiguration(recorded)
                        .build(),
                KmsClient.builder()
                        .endpointOverride(aws.endpoint())
                        .region(region)
                        .credentialsProvider(LocalStack.CREDENTIALS)
                        .httpClient(http)
                        .overrideConfiguration(recorded)
                        .build(),
                SqsClient.builder()
                        .endpointOverride(aws.endpoint())
                        .region(region)
                        .credentialsProvider(LocalStack.CREDENTIALS)
                        .httpClient(http)
                        .overrideConfiguration(recorded)
                        .build(),
                SnsClient.builder()
                        .endpointOverride(aws.endpoint())
                        .region(region)
                        .credentialsProvider(LocalStack.CREDENTIALS)
                        .httpClient(http)
                        .overrideConfiguration(recorded)
                        .build());
    }
}
