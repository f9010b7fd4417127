package dev.reauth.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.reauth.local.AwsEmulator;
import dev.reauth.local.AwsFaultProxy;
import dev.reauth.local.AwsFaultProxy.Calls;
import dev.reauth.local.AwsFaultProxy.Failure;
import dev.reauth.local.LocalStack;
import dev.reauth.wire.Schema.Accounts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The loopback AWS fault proxy the fault-injection tests stand on: it fails exactly the calls it is
 * told to (by X-Amz-Target, service or service:Operation), for a window or a share, and passes
 * everything else through unchanged, both ways.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AwsFaultProxyIT {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private LocalStack aws;
    private AwsFaultProxy proxy;
    private DynamoDbClient dynamo;
    private KmsClient kms;
    private SnsClient sns;

    @BeforeAll
    void resources() {
        aws = LocalStack.create();
        InstantSource clock = now::get;
        proxy = AwsFaultProxy.start(AwsEmulator.endpoint(), clock, new Random(17));
        var http = UrlConnectionHttpClient.builder().build();
        // no SDK retries: each call the test makes is one request the proxy sees
        dynamo = DynamoDbClient.builder()
                .endpointOverride(proxy.endpoint())
                .region(Region.of(AwsEmulator.REGION))
                .credentialsProvider(LocalStack.CREDENTIALS)
                .httpClient(http)
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .build();
        kms = KmsClient.builder()
                .endpointOverride(proxy.endpoint())
                .region(Region.of(AwsEmulator.REGION))
                .credentialsProvider(LocalStack.CREDENTIALS)
                .httpClient(http)
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .build();
        sns = SnsClient.builder()
                .endpointOverride(proxy.endpoint())
                .region(Region.of(AwsEmulator.REGION))
                .credentialsProvider(LocalStack.CREDENTIALS)
                .httpClient(http)
                .overrideConfiguration(o -> o.retryStrategy(r -> r.maxAttempts(1)))
                .build();
    }

    @AfterEach
    void healed() {
        proxy.clear();
    }

    @Test
    void failsOnlyDynamoUpdateItem_withA500_whilePutAndGetPassThroughUnchanged() {
        String id = aws.seedAccount("proxied", Map.of());
        AwsFaultProxy.Rule rule = proxy.fail(Calls.named("DynamoDB_20120810.UpdateItem"), Failure.SERVER_ERROR);
        Map<String, AttributeValue> item = Map.of(
                Accounts.ID, AttributeValue.fromS(id),
                Accounts.NAME, AttributeValue.fromS("proxied"),
                Accounts.TOKEN_VERSION, AttributeValue.fromN("7"),
                Accounts.TOKEN_CIPHERTEXT, AttributeValue.fromB(SdkBytes.fromUtf8String("\u0000binary\u00ff")));

        dynamo.putItem(p -> p.tableName(aws.accountsTable()).item(item));
        assertThatThrownBy(() -> dynamo.updateItem(u -> u.tableName(aws.accountsTable())
                        .key(Map.of(Accounts.ID, AttributeValue.fromS(id)))
                        .updateExpression("SET #v = :v")
                        .expressionAttributeNames(Map.of("#v", Accounts.TOKEN_VERSION))
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("8")))))
                .isInstanceOfSatisfying(
                        SdkServiceException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(500));
        Map<String, AttributeValue> read = dynamo.getItem(g -> g.tableName(aws.accountsTable())
                        .consistentRead(true)
                        .key(Map.of(Accounts.ID, AttributeValue.fromS(id))))
                .item();

        assertThat(read).isEqualTo(item);
        assertThat(aws.account(id)).isEqualTo(item);
        assertThat(rule.failed()).isEqualTo(1);
        assertThat(proxy.passed("DynamoDB_20120810.PutItem")).isPositive();
        assertThat(proxy.passed("DynamoDB_20120810.GetItem")).isPositive();
        assertThat(proxy.passed("DynamoDB_20120810.UpdateItem")).isZero();
    }

    @Test
    void failsKmsEncrypt_byDroppingTheConnection_whileDecryptStillAnswers() {
        String context = "account-" + Long.toHexString(new Random().nextLong());
        SdkBytes sealed = kms.encrypt(e -> e.keyId(aws.keyArn())
                        .plaintext(SdkBytes.fromUtf8String("sealed before the outage"))
                        .encryptionContext(Map.of("account", context)))
                .ciphertextBlob();
        AwsFaultProxy.Rule rule = proxy.fail(Calls.named("TrentService.Encrypt"), Failure.CONNECTION_RESET);

        assertThatThrownBy(() -> kms.encrypt(e -> e.keyId(aws.keyArn())
                        .plaintext(SdkBytes.fromUtf8String("during"))
                        .encryptionContext(Map.of("account", context))))
                .isInstanceOf(SdkClientException.class);
        String opened = kms.decrypt(d -> d.ciphertextBlob(sealed).encryptionContext(Map.of("account", context)))
                .plaintext()
                .asUtf8String();

        assertThat(opened).isEqualTo("sealed before the outage");
        assertThat(rule.failed()).isEqualTo(1);
    }

    @Test
    void aWindowedFault_failsUntilItsEnd_byTheProxysClock_andThenCallsPass() {
        proxy.failFor(Calls.named("kms"), Failure.UNAVAILABLE, Duration.ofSeconds(90));

        assertThatThrownBy(() -> kms.listKeys())
                .isInstanceOfSatisfying(
                        SdkServiceException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(503));
        now.updateAndGet(t -> t.plusSeconds(89));
        assertThatThrownBy(() -> kms.listKeys()).isInstanceOf(SdkServiceException.class);
        // DynamoDB is another service: untouched by a KMS outage
        assertThat(dynamo.describeTable(d -> d.tableName(aws.accountsTable())).table())
                .isNotNull();
        now.updateAndGet(t -> t.plusSeconds(1));

        assertThat(kms.listKeys().keys()).isNotEmpty();
    }

    @Test
    void aShareOfCalls_failsThatShare_andNoneOutsideTheNamedService() {
        AwsFaultProxy.Rule rule = proxy.failPercent(Calls.named("dynamodb"), Failure.SERVER_ERROR, 25);
        int failures = 0;
        for (int i = 0; i < 200; i++) {
            try {
                dynamo.describeTable(d -> d.tableName(aws.accountsTable()));
            } catch (SdkServiceException e) {
                failures++;
            }
        }
        for (int i = 0; i < 20; i++) {
            sns.getTopicAttributes(g -> g.topicArn(aws.topicArn()));
        }

        assertThat(rule.failed()).isEqualTo(failures);
        assertThat(failures).isBetween(30, 70);
        assertThat(proxy.passed("sns:GetTopicAttributes")).isGreaterThanOrEqualTo(20);
    }

    @Test
    void aQueryProtocolCall_isNamedByServiceAndAction() {
        AwsFaultProxy.Rule rule = proxy.fail(Calls.named("sns:Publish"), Failure.SERVER_ERROR);

        assertThatThrownBy(() -> sns.publish(p -> p.topicArn(aws.topicArn()).message("{}")))
                .isInstanceOfSatisfying(
                        SdkServiceException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(500));
        assertThat(sns.getTopicAttributes(g -> g.topicArn(aws.topicArn())).attributes())
                .containsKey("TopicArn");
        assertThat(rule.failed()).isEqualTo(1);
    }

    @Test
    void passesHeadersSignatureAndBodyThrough_andTheAnswerBack_byteForByte() throws Exception {
        WireMockServer upstream =
                new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        upstream.start();
        try (AwsFaultProxy own = AwsFaultProxy.start(URI.create(upstream.baseUrl()))) {
            byte[] body = "{\"KeyId\":\"k\",\"Plaintext\":\"AAEC/w==\"}".getBytes(StandardCharsets.UTF_8);
            String signature = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kms/aws4_request, "
                    + "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0123abcd";
            upstream.stubFor(post(urlEqualTo("/?x=1"))
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("x-amzn-RequestId", "req-42")
                            .withHeader("Content-Type", "application/x-amz-json-1.1")
                            .withBody("{\"ok\":true}")));

            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(own.endpoint().resolve("/?x=1"))
                                    .header("Authorization", signature)
                                    .header("X-Amz-Date", "20260101T000000Z")
                                    .header("X-Amz-Target", "TrentService.Encrypt")
                                    .header("Content-Type", "application/x-amz-json-1.1")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            upstream.verify(
                    1,
                    postRequestedFor(urlEqualTo("/?x=1"))
                            .withHeader("Authorization", equalTo(signature))
                            .withHeader("X-Amz-Date", equalTo("20260101T000000Z"))
                            .withHeader("X-Amz-Target", equalTo("TrentService.Encrypt"))
                            .withHeader("Content-Type", equalTo("application/x-amz-json-1.1"))
                            .withRequestBody(binaryEqualTo(body)));
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("x-amzn-RequestId")).hasValue("req-42");
            assertThat(answer.body()).isEqualTo("{\"ok\":true}");
            assertThat(own.passed("TrentService.Encrypt")).isEqualTo(1);
        } finally {
            upstream.stop();
        }
    }
}
