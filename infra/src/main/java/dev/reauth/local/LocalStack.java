package dev.reauth.local;

import dev.reauth.wire.Schema;
import java.net.URI;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One copy of the stack's AWS resources on an emulator: the two tables (from template.yaml), the
 * KMS key, the token events topic and the alerts topic, named with a unique suffix so test classes
 * never share state.
 */
public final class LocalStack {

    public static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

    private final URI endpoint;
    private final String accountsTable;
    private final String sessionsTable;
    private final String keyArn;
    private final String topicArn;
    private final String alertsTopicArn;
    private final DynamoDbClient dynamo;
    private final KmsClient kms;
    private final SnsClient sns;
    private final SqsClient sqs;

    private LocalStack(URI endpoint, String suffix) {
        this.endpoint = endpoint;
        var http = UrlConnectionHttpClient.builder().build();
        Region region = Region.of(AwsEmulator.REGION);
        dynamo = DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(CREDENTIALS)
                .httpClient(http)
                .build();
        kms = KmsClient.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(CREDENTIALS)
                .httpClient(http)
                .build();
        sns = SnsClient.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(CREDENTIALS)
                .httpClient(http)
                .build();
        sqs = SqsClient.builder()
                .endpointOverride(endpoint)
                .region(region)
                .credentialsProvider(CREDENTIALS)
                .httpClient(http)
                .build();

        SamTemplate template = SamTemplate.project();
        accountsTable = "reauth-accounts-" + suffix;
        sessionsTable = "reauth-sessions-" + suffix;
        createTable(template, "AccountsTable", accountsTable);
        createTable(template, "SessionsTable", sessionsTable);
        keyArn = kms.createKey(k -> k.description("reauth tokens " + suffix))
                .keyMetadata()
                .arn();
        topicArn = sns.createTopic(
                        t -> t.name("reauth-token-events-" + suffix).attributes(Map.of("SignatureVersion", "2")))
                .topicArn();
        alertsTopicArn = sns.createTopic(t -> t.name("reauth-alerts-" + suffix)).topicArn();
    }

    /** Creates a fresh copy of the resources on the emulator the tests use. */
    public static LocalStack create() {
        return new LocalStack(
                AwsEmulator.endpoint(), UUID.randomUUID().toString().substring(0, 8));
    }

    private void createTable(SamTemplate template, String logicalId, String name) {
        dynamo.createTable(template.createRequest(logicalId, name));
        dynamo.waiter().waitUntilTableExists(w -> w.tableName(name));
        template.ttlAttribute(logicalId)
                .ifPresent(attribute -> dynamo.updateTimeToLive(u -> u.tableName(name)
                        .timeToLiveSpecification(TimeToLiveSpecification.builder()
                                .attributeName(attribute)
                                .enabled(true)
                                .build())));
    }

    /** An account's item as the table holds it now (a consistent read); empty when there is none. */
    public Map<String, AttributeValue> account(String id) {
        return dynamo.getItem(g -> g.tableName(accountsTable)
                        .consistentRead(true)
                        .key(Map.of(Schema.Accounts.ID, AttributeValue.fromS(id))))
                .item();
    }

    /** Puts an account as a proxy fleet's table holds one (name, plus the given attributes); its new id. */
    public String seedAccount(String name, Map<String, AttributeValue> attributes) {
        String id = UUID.randomUUID().toString();
        Map<String, AttributeValue> item = new HashMap<>(attributes);
        item.put(Schema.Accounts.ID, AttributeValue.fromS(id));
        item.put(Schema.Accounts.NAME, AttributeValue.fromS(name));
        dynamo.putItem(p -> p.tableName(accountsTable).item(item));
        return id;
    }

    /** A queue subscribed to the topic (SNS envelope delivery), as a fleet in SQS mode would have. */
    public String subscribeQueue(String name) {
        return subscribeQueue(name, topicArn);
    }

    /** A queue subscribed to the alerts topic, standing in for an operator's email or webhook. */
    public String subscribeAlertsQueue(String name) {
        return subscribeQueue(name, alertsTopicArn);
    }

    private String subscribeQueue(String name, String topicArn) {
        String queueUrl = sqs.createQueue(q -> q.queueName(name)).queueUrl();
        String queueArn = sqs.getQueueAttributes(a -> a.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        String policy = """
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},
                "Action":"sqs:SendMessage","Resource":"%s","Condition":{"ArnEquals":{"aws:SourceArn":"%s"}}}]}""".formatted(queueArn, topicArn);
        sqs.setQueueAttributes(a -> a.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, policy)));
        sns.subscribe(s -> s.topicArn(topicArn).protocol("sqs").endpoint(queueArn));
        return queueUrl;
    }

    /**
     * The environment template.yaml gives the functions, resolved against these resources, plus what
     * Lambda itself sets (region, credentials) pointed at this emulator; then the provider's overrides.
     */
    public Map<String, String> functionEnvironment(Map<String, String> providerEnvironment) {
        Map<String, String> refs = Map.of(
                "AccountsTable", accountsTable,
                "SessionsTable", sessionsTable,
                "SessionsTable.Arn", "arn:aws:dynamodb:" + AwsEmulator.REGION + ":000000000000:table/" + sessionsTable,
                "TokenKey", keyArn,
                "TokenKey.Arn", keyArn,
                "TokenEventsTopic", topicArn,
                "AlertsTopic", alertsTopicArn);
        Map<String, String> env =
                new LinkedHashMap<>(SamTemplate.project().functionEnvironment("CallbackFunction", refs));
        env.put("AWS_REGION", AwsEmulator.REGION);
        env.put("AWS_ENDPOINT_URL", endpoint.toString());
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        // never the real provider's revoke endpoint from a local stack, and due accounts at once: the
        // local provider's revoke URL, the spread and the provider call budget are switched on by the
        // runs and tests that use them (OAUTH_REVOKE_URL, REFRESH_SPREAD, PROVIDER_CALL_BUDGET)
        env.put("OAUTH_REVOKE_URL", "");
        env.put("REFRESH_SPREAD", "PT0S");
        env.putAll(providerEnvironment);
        return env;
    }

    public URI endpoint() {
        return endpoint;
    }

    public String accountsTable() {
        return accountsTable;
    }

    public String sessionsTable() {
        return sessionsTable;
    }

    public String keyArn() {
        return keyArn;
    }

    public String topicArn() {
        return topicArn;
    }

    public String alertsTopicArn() {
        return alertsTopicArn;
    }

    public DynamoDbClient dynamo() {
        return dynamo;
    }

    public KmsClient kms() {
        return kms;
    }

    public SnsClient sns() {
        return sns;
    }

    public SqsClient sqs() {
        return sqs;
    }
}
