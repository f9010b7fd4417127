package dev.reauth.aws;

import dev.reauth.log.StructuredLog;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenEvent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context.BeforeTransmission;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * SnapStart priming of the AWS SDK: before the snapshot, one request of each operation the functions
 * send goes through the clients' whole pipeline (endpoint rules, marshalling, SigV4 signing) and is
 * stopped just before transmission. Nothing is sent, and no real credentials are resolved: priming
 * requests are signed with placeholder credentials.
 */
public final class SdkPriming implements Resource {

    private static final StructuredLog LOG = StructuredLog.of(SdkPriming.class);
    private static final ExecutionAttribute<Boolean> PRIMING = new ExecutionAttribute<>("reauth.snapstart-priming");

    /** Added to every client: stops a priming request before it leaves the process. */
    static final ExecutionInterceptor STOP_BEFORE_SENDING = new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(BeforeTransmission context, ExecutionAttributes attributes) {
            if (Boolean.TRUE.equals(attributes.getAttribute(PRIMING))) {
                throw new Stopped();
            }
        }
    };

    /** A priming request, stopped where it would have been sent. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("priming request stopped before transmission", null, false, false);
        }
    }

    private static final Consumer<AwsRequestOverrideConfiguration.Builder> PRIMED = o -> o.putExecutionAttribute(
                    PRIMING, true)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("PRIMING", "PRIMING")));

    /** The checkpoint context holds its resources weakly: these stay reachable for the life of the process. */
    private static final List<SdkPriming> REGISTERED = new CopyOnWriteArrayList<>();

    private final AwsClients aws;

    public SdkPriming(AwsClients aws) {
        this.aws = aws;
    }

    /** Primes these clients before a SnapStart snapshot (a no-op on a JVM without checkpoint support). */
    static void registerFor(AwsClients aws) {
        SdkPriming priming = new SdkPriming(aws);
        REGISTERED.add(priming);
        Core.getGlobalContext().register(priming);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        int stopped = prime();
        LOG.info("snapstart.primed", "component", "aws-sdk", "requestsStopped", stopped);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {}

    /**
     * Runs one request of each operation up to transmission.
     *
     * @return how many were stopped there (every one, unless the SDK failed earlier on one)
     */
    public int prime() {
        Map<String, AttributeValue> key = Map.of(Accounts.ID, AttributeValue.fromS("snapstart-priming"));
        Map<String, AttributeValue> values = Map.of(
                ":s",
                AttributeValue.fromS("s"),
                ":n",
                AttributeValue.fromN("1"),
                ":b",
                AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {1})),
                ":t",
                AttributeValue.fromBool(true),
                ":ss",
                AttributeValue.fromSs(List.of("s")));
        List<Runnable> requests = List.of(
                () -> aws.dynamo()
                        .getItem(g -> g.overrideConfiguration(PRIMED)
                                .tableName("snapstart-priming")
                                .key(key)
                                .consistentRead(true)
                                .projectionExpression("#a")
                                .expressionAttributeNames(Map.of("#a", Accounts.ID))),
                () -> aws.dynamo()
                        .query(q -> q.overrideConfiguration(PRIMED)
                                .tableName("snapstart-priming")
                                .indexName("index")
                                .keyConditionExpression("#a = :s")
                                .expressionAttributeNames(Map.of("#a", Accounts.NAME))
                                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("s")))
                                .limit(2)),
                () -> aws.dynamo()
                        .putItem(p -> p.overrideConfiguration(PRIMED)
                                .tableName("snapstart-priming")
                                .item(key)
                                .conditionExpression("attribute_not_exists(#a)")
                                .expressionAttributeNames(Map.of("#a", Accounts.ID))),
                () -> aws.dynamo()
                        .updateItem(u -> u.overrideConfiguration(PRIMED)
                                .tableName("snapstart-priming")
                                .key(key)
                                .updateExpression("SET #a = :s, #b = :n, #c = :b, #d = :t ADD #e :ss")
                                .conditionExpression("attribute_exists(#a)")
                                .expressionAttributeNames(Map.of("#a", "a", "#b", "b", "#c", "c", "#d", "d", "#e", "e"))
                                .expressionAttributeValues(values)),
                () -> aws.dynamo()
                        .transactWriteItems(t -> t.overrideConfiguration(PRIMED)
                                .transactItems(TransactWriteItem.builder()
                                        .update(u -> u.tableName("snapstart-priming")
                                                .key(key)
                                                .updateExpression("SET #a = :s")
                                                .expressionAttributeNames(Map.of("#a", "a"))
                                                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("s"))))
                                        .build())),
                () -> aws.kms()
                        .encrypt(e -> e.overrideConfiguration(PRIMED)
                                .keyId("alias/snapstart-priming")
                                .plaintext(SdkBytes.fromByteArray(new byte[] {1}))
                                .encryptionContext(Map.of("purpose", "priming"))),
                () -> aws.kms()
                        .decrypt(d -> d.overrideConfiguration(PRIMED)
                                .keyId("alias/snapstart-priming")
                                .ciphertextBlob(SdkBytes.fromByteArray(new byte[] {1}))
                                .encryptionContext(Map.of("purpose", "priming"))),
                () -> aws.sns()
                        .publish(p -> p.overrideConfiguration(PRIMED)
                                .topicArn("arn:aws:sns:us-east-1:000000000000:snapstart-priming")
                                .message("{}")
                                .messageAttributes(Map.of(
                                        TokenEvent.ATTRIBUTE_EVENT_TYPE,
                                        MessageAttributeValue.builder()
                                                .dataType("String")
                                                .stringValue("priming")
                                                .build()))));
        int stopped = 0;
        for (Runnable request : requests) {
            try {
                request.run();
                LOG.warn("snapstart.priming_request_not_stopped");
            } catch (RuntimeException e) {
                if (stoppedBeforeSending(e)) {
                    stopped++;
                } else {
                    // priming only warms: a failure here must never fail the snapshot
                    LOG.warn(
                            "snapstart.priming_request_failed",
                            "errorType",
                            e.getClass().getSimpleName());
                }
            }
        }
        return stopped;
    }

    private static boolean stoppedBeforeSending(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Stopped) {
                return true;
            }
        }
        return false;
    }
}
