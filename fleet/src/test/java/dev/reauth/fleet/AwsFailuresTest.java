package dev.reauth.fleet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.CreateQueueResponse;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Every AWS call the fleet makes reaches the proxy as the library's {@link FleetException}, never as
 * an SDK exception, and without AWS's error text in the message (the SDK exception stays the cause).
 */
class AwsFailuresTest {

    private static final String AWS_TEXT = "internal AWS detail";

    private final DynamoDbClient failingDynamo = new DynamoDbClient() {
        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            throw DynamoDbException.builder()
                    .message("ProvisionedThroughputExceeded: " + AWS_TEXT)
                    .statusCode(400)
                    .build();
        }

        @Override
        public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
            throw SdkClientException.create("Unable to execute HTTP request: " + AWS_TEXT);
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    };

    @Test
    void accountsTableFailure_isDependencyFailed() {
        DynamoAccountTokensReader reader = new DynamoAccountTokensReader(failingDynamo, "accounts");

        assertThatThrownBy(() -> reader.read("acct-1"))
                .isInstanceOf(FleetException.DependencyFailed.class)
                .hasMessageNotContaining(AWS_TEXT)
                .hasCauseInstanceOf(DynamoDbException.class);
        assertThatThrownBy(() -> reader.versions(List.of("acct-1")))
                .isInstanceOf(FleetException.DependencyFailed.class)
                .hasMessageNotContaining(AWS_TEXT)
                .hasCauseInstanceOf(SdkClientException.class);
    }

    @Test
    void accountsTableFailure_reachesTheTokenSourcesCaller_asDependencyFailed() {
        TokenSource tokens = new TokenSource(
                new DynamoAccountTokensReader(failingDynamo, "accounts"),
                new FakeAccounts(),
                Clock.systemUTC(),
                Duration.ofMinutes(5));

        assertThatThrownBy(() -> tokens.accessToken("acct-1")).isInstanceOf(FleetException.DependencyFailed.class);
    }

    @Test
    void kmsRefusingTheCiphertext_isDependencyFailed() {
        KmsClient kms = new KmsClient() {
            @Override
            public DecryptResponse decrypt(DecryptRequest request) {
                throw InvalidCiphertextException.builder()
                        .message(AWS_TEXT)
                        .statusCode(400)
                        .build();
            }

            @Override
            public String serviceName() {
                return "kms";
            }

            @Override
            public void close() {}
        };

        assertThatThrownBy(() -> new KmsTokenDecryptor(kms).decrypt("acct-1", new byte[] {1, 2, 3}))
                .isInstanceOf(FleetException.DependencyFailed.class)
                .hasMessageNotContaining(AWS_TEXT);
    }

    @Test
    void sqsFailingToCreateTheQueue_isDependencyFailed() {
        SqsClient sqs = new SqsClient() {
            @Override
            public CreateQueueResponse createQueue(CreateQueueRequest request) {
                throw SqsException.builder()
                        .message("AccessDenied: " + AWS_TEXT)
                        .statusCode(403)
                        .build();
            }

            @Override
            public String serviceName() {
                return "sqs";
            }

            @Override
            public void close() {}
        };

        assertThatThrownBy(() -> SqsSubscriber.subscribeQueue(
                        sqs, new FakeSns() {}, "arn:aws:sns:us-east-1:123456789012:t", "proxy-1"))
                .isInstanceOf(FleetException.DependencyFailed.class)
                .hasMessageNotContaining(AWS_TEXT);
    }
}
