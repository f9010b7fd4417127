package dev.reauth.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/** The requests the fleet's reader sends, against a stubbed client (AwsFailuresTest covers its errors). */
class DynamoAccountTokensReaderTest {

    private final List<GetItemRequest> gets = new ArrayList<>();
    private final List<BatchGetItemRequest> batches = new ArrayList<>();
    private final Deque<Object> answers = new ArrayDeque<>();
    private final DynamoDbClient dynamo = new DynamoDbClient() {
        @Override
        public GetItemResponse getItem(GetItemRequest request) {
            gets.add(request);
            Object next = answers.poll();
            return next == null ? GetItemResponse.builder().build() : (GetItemResponse) next;
        }

        @Override
        public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
            batches.add(request);
            Object next = answers.poll();
            return next != null
                    ? (BatchGetItemResponse) next
                    : BatchGetItemResponse.builder()
                            .responses(Map.of(
                                    "accounts",
                                    request.requestItems().get("accounts").keys().stream()
                                            .map(key -> Map.of(
                                                    "id", key.get("id"), "token_version", AttributeValue.fromN("1")))
                                            .toList()))
                            .build();
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {}
    };
    private final DynamoAccountTokensReader reader = new DynamoAccountTokensReader(dynamo, "accounts");

    @Test
    void read_isAConsistentRead_ofTheTokenAttributesOnly() {
        answers.add(GetItemResponse.builder()
                .item(Map.of(
                        "token_ciphertext",
                        AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {1, 2})),
                        "token_version",
                        AttributeValue.fromN("6"),
                        "expires_at",
                        AttributeValue.fromN("1795751760000")))
                .build());

        StoredTokens tokens = reader.read("acct-1").orElseThrow();

        assertThat(tokens.version()).isEqualTo(6);
        assertThat(tokens.ciphertext()).containsExactly(1, 2);
        assertThat(tokens.expiresAt()).isEqualTo(Instant.ofEpochMilli(1_795_751_760_000L));
        assertThat(tokens.reauthRequired()).isEmpty();
        GetItemRequest get = gets.getFirst();
        assertThat(get.tableName()).isEqualTo("accounts");
        assertThat(get.key()).isEqualTo(Map.of("id", AttributeValue.fromS("acct-1")));
        assertThat(get.consistentRead()).isTrue();
        assertThat(get.projectionExpression()).isEqualTo("#ct, #v, #exp, #reauth, #reason");
        assertThat(get.expressionAttributeNames())
                .isEqualTo(Map.of(
                        "#ct",
                        "token_ciphertext",
                        "#v",
                        "token_version",
                        "#exp",
                        "expires_at",
                        "#reauth",
                        "requires_reauth",
                        "#reason",
                        "reauth_reason"));
    }

    @Test
    void read_ofADeadAccount_carriesItsReason_orAGenericOne() {
        Map<String, AttributeValue> dead = Map.of(
                "token_ciphertext",
                AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {1})),
                "token_version",
                AttributeValue.fromN("6"),
                "expires_at",
                AttributeValue.fromN("0"),
                "requires_reauth",
                AttributeValue.fromBool(true));
        Map<String, AttributeValue> withReason = new HashMap<>(dead);
        withReason.put("reauth_reason", AttributeValue.fromS("invalid_grant"));
        answers.add(GetItemResponse.builder().item(withReason).build());
        answers.add(GetItemResponse.builder().item(dead).build());

        assertThat(reader.read("acct-1").orElseThrow().reauthRequired()).contains("invalid_grant");
        assertThat(reader.read("acct-1").orElseThrow().reauthRequired()).contains("marked in the accounts table");
    }

    @Test
    void read_ofAnAccountWithoutTokens_orNoAccount_isEmpty() {
        answers.add(GetItemResponse.builder()
                .item(Map.of("token_version", AttributeValue.fromN("0")))
                .build());

        assertThat(reader.read("acct-1")).isEmpty();
        assertThat(reader.read("acct-2")).isEmpty();
    }

    @Test
    void facts_isAConsistentRead_ofNameVersionAndMarks() {
        // GIVEN an account the provider put on hold
        answers.add(GetItemResponse.builder()
                .item(Map.of(
                        "id", AttributeValue.fromS("acct-1"),
                        "name", AttributeValue.fromS("work"),
                        "token_version", AttributeValue.fromN("6"),
                        "requires_reauth", AttributeValue.fromBool(true),
                        "on_hold", AttributeValue.fromBool(true)))
                .build());

        // WHEN
        AccountFacts facts = reader.facts("acct-1").orElseThrow();

        // THEN
        assertThat(facts).isEqualTo(new AccountFacts("acct-1", "work", 6, true, true));
        GetItemRequest get = gets.getFirst();
        assertThat(get.key()).isEqualTo(Map.of("id", AttributeValue.fromS("acct-1")));
        assertThat(get.consistentRead()).isTrue();
        assertThat(get.projectionExpression()).isEqualTo("#id, #n, #v, #reauth, #hold");
        assertThat(get.expressionAttributeNames())
                .isEqualTo(Map.of(
                        "#id", "id",
                        "#n", "name",
                        "#v", "token_version",
                        "#reauth", "requires_reauth",
                        "#hold", "on_hold"));
    }

    @Test
    void facts_ofAHealthyAccountWithoutTokens_readsVersionZero_andOfNoAccount_isEmpty() {
        answers.add(GetItemResponse.builder()
                .item(Map.of(
                        "id", AttributeValue.fromS("acct-1"),
                        "name", AttributeValue.fromS("work"),
                        "requires_reauth", AttributeValue.fromBool(false)))
                .build());

        assertThat(reader.facts("acct-1")).contains(new AccountFacts("acct-1", "work", 0, false, false));
        assertThat(reader.facts("acct-2")).isEmpty();
    }

    @Test
    void versions_readsOnlyIdAndVersion_100KeysACall() {
        List<String> ids = IntStream.range(0, 250).mapToObj(i -> "acct-" + i).toList();

        Map<String, Long> versions = reader.versions(ids);

        assertThat(versions).hasSize(250).containsEntry("acct-249", 1L);
        assertThat(batches)
                .extracting(b -> b.requestItems().get("accounts").keys().size())
                .containsExactly(100, 100, 50);
        KeysAndAttributes ask = batches.getFirst().requestItems().get("accounts");
        assertThat(ask.projectionExpression()).isEqualTo("#id, #v");
        assertThat(ask.expressionAttributeNames()).isEqualTo(Map.of("#id", "id", "#v", "token_version"));
    }

    @Test
    void versions_asksAgainForUnprocessedKeys() {
        Map<String, AttributeValue> second = Map.of("id", AttributeValue.fromS("acct-2"));
        KeysAndAttributes leftOver = KeysAndAttributes.builder()
                .keys(second)
                .projectionExpression("#id, #v")
                .expressionAttributeNames(Map.of("#id", "id", "#v", "token_version"))
                .build();
        answers.add(BatchGetItemResponse.builder()
                .responses(Map.of(
                        "accounts",
                        List.of(Map.of(
                                "id", AttributeValue.fromS("acct-1"), "token_version", AttributeValue.fromN("3")))))
                .unprocessedKeys(Map.of("accounts", leftOver))
                .build());

        Map<String, Long> versions = reader.versions(List.of("acct-1", "acct-2"));

        assertThat(versions).isEqualTo(Map.of("acct-1", 3L, "acct-2", 1L));
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1).requestItems()).isEqualTo(Map.of("accounts", leftOver));
    }
}
