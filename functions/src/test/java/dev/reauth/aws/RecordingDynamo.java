package dev.reauth.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * A DynamoDB client that records every request an adapter sends and answers from a queue (a
 * response, or an exception to throw); with nothing queued, it answers an empty response.
 */
final class RecordingDynamo implements DynamoDbClient {

    /** Text an SDK error carries, which must never reach a caller's message. */
    static final String AWS_TEXT = "internal AWS detail";

    final List<DynamoDbRequest> requests = new ArrayList<>();
    private final Deque<Object> answers = new ArrayDeque<>();

    /** Queues the answer to the next call: an SDK response, or a RuntimeException to throw. */
    RecordingDynamo then(Object answer) {
        answers.add(answer);
        return this;
    }

    <T extends DynamoDbRequest> T only(Class<T> type) {
        assertThat(requests).hasSize(1).first().isInstanceOf(type);
        return type.cast(requests.getFirst());
    }

    <T extends DynamoDbRequest> List<T> all(Class<T> type) {
        assertThat(requests).allMatch(type::isInstance);
        return requests.stream().map(type::cast).toList();
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
        return answer(request, GetItemResponse.builder().build());
    }

    @Override
    public QueryResponse query(QueryRequest request) {
        return answer(request, QueryResponse.builder().build());
    }

    @Override
    public ScanResponse scan(ScanRequest request) {
        return answer(request, ScanResponse.builder().build());
    }

    @Override
    public PutItemResponse putItem(PutItemRequest request) {
        return answer(request, PutItemResponse.builder().build());
    }

    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
        return answer(request, UpdateItemResponse.builder().build());
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        return answer(request, TransactWriteItemsResponse.builder().build());
    }

    @SuppressWarnings("unchecked")
    private <T> T answer(DynamoDbRequest request, T empty) {
        requests.add(request);
        Object next = answers.poll();
        if (next instanceof RuntimeException e) {
            throw e;
        }
        return next == null ? empty : (T) next;
    }

    @Override
    public String serviceName() {
        return "dynamodb";
    }

    @Override
    public void close() {}

    // ---- answers

    static ConditionalCheckFailedException conditionFailed(Map<String, AttributeValue> old) {
        return ConditionalCheckFailedException.builder()
                .message("The conditional request failed")
                .item(old)
                .statusCode(400)
                .build();
    }

    /** A cancelled transaction, one reason per item: a code, or {@code null} for "None". */
    static TransactionCanceledException cancelled(CancellationReason... reasons) {
        return TransactionCanceledException.builder()
                .message("Transaction cancelled " + AWS_TEXT)
                .cancellationReasons(reasons)
                .statusCode(400)
                .build();
    }

    static CancellationReason reason(String code) {
        return CancellationReason.builder().code(code).build();
    }

    static CancellationReason reason(String code, Map<String, AttributeValue> item) {
        return CancellationReason.builder().code(code).item(item).build();
    }

    static SdkClientException unreachable() {
        return SdkClientException.create("Unable to execute HTTP request: " + AWS_TEXT);
    }

    // ---- checks DynamoDB makes that an emulator may not

    private static final Pattern PLACEHOLDER = Pattern.compile("([#:])[A-Za-z0-9_]+");

    /**
     * Every placeholder the expressions use is defined, and every one defined is used: DynamoDB
     * refuses a request with an undefined or an unused expression attribute name or value.
     */
    static void assertPlaceholdersMatch(
            Map<String, String> names, Map<String, AttributeValue> values, String... expressions) {
        Set<String> usedNames = new TreeSet<>();
        Set<String> usedValues = new TreeSet<>();
        for (String expression : expressions) {
            if (expression == null) {
                continue;
            }
            Matcher m = PLACEHOLDER.matcher(expression);
            while (m.find()) {
                (m.group(1).equals("#") ? usedNames : usedValues).add(m.group());
            }
        }
        assertThat(new TreeSet<>(names == null ? Set.of() : names.keySet()))
                .as("expression attribute names")
                .isEqualTo(usedNames);
        assertThat(new TreeSet<>(values == null ? Set.of() : values.keySet()))
                .as("expression attribute values")
                .isEqualTo(usedValues);
    }

    static void assertPlaceholdersMatch(UpdateItemRequest u) {
        assertPlaceholdersMatch(
                u.expressionAttributeNames(),
                u.expressionAttributeValues(),
                u.updateExpression(),
                u.conditionExpression());
    }

    static void assertPlaceholdersMatch(TransactWriteItem item) {
        if (item.update() != null) {
            assertPlaceholdersMatch(
                    item.update().expressionAttributeNames(),
                    item.update().expressionAttributeValues(),
                    item.update().updateExpression(),
                    item.update().conditionExpression());
        } else if (item.put() != null) {
            assertPlaceholdersMatch(
                    item.put().expressionAttributeNames(),
                    item.put().expressionAttributeValues(),
                    item.put().conditionExpression());
        } else if (item.conditionCheck() != null) {
            assertPlaceholdersMatch(
                    item.conditionCheck().expressionAttributeNames(),
                    item.conditionCheck().expressionAttributeValues(),
                    item.conditionCheck().conditionExpression());
        }
    }

    /** The attribute names an item's expressions refer to, resolved through its name map. */
    static Set<String> attributesNamed(Map<String, String> names, String... expressions) {
        Set<String> attributes = new TreeSet<>();
        Stream.of(expressions).filter(e -> e != null).forEach(expression -> {
            Matcher m = PLACEHOLDER.matcher(expression);
            while (m.find()) {
                if (m.group(1).equals("#")) {
                    attributes.add(names.get(m.group()));
                }
            }
        });
        return attributes;
    }
}
