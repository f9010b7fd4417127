package dev.reauth.aws;

import static dev.reauth.aws.RecordingDynamo.assertPlaceholdersMatch;
import static dev.reauth.aws.RecordingDynamo.conditionFailed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.domain.ReauthException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The provider call budget's one conditional increment per call, as sent to DynamoDB. */
class DynamoProviderCallBudgetTest {

    private final RecordingDynamo dynamo = new RecordingDynamo();
    private final DynamoProviderCallBudget budget = new DynamoProviderCallBudget(dynamo, "sessions", 5);

    @Test
    void tryTake_incrementsTheSecondsCounter_onlyWhileItIsBelowTheBudget() {
        // WHEN
        boolean taken = budget.tryTake(1_796_000_000L);

        // THEN
        assertThat(taken).isTrue();
        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.tableName()).isEqualTo("sessions");
        assertThat(update.key()).isEqualTo(Map.of("state_hash", AttributeValue.fromS("provider-calls#1796000000")));
        assertThat(update.updateExpression()).isEqualTo("ADD #calls :one SET #ttl = :ttl");
        assertThat(update.conditionExpression()).isEqualTo("attribute_not_exists(#calls) OR #calls < :limit");
        assertThat(update.expressionAttributeValues())
                .containsEntry(":limit", AttributeValue.fromN("5"))
                .containsEntry(":one", AttributeValue.fromN("1"))
                .containsEntry(":ttl", AttributeValue.fromN(Long.toString(1_796_000_000L + 600)));
        assertPlaceholdersMatch(update);
    }

    @Test
    void tryTake_isFalse_whenTheSecondIsFull_andAnOutageIsTheProjectsOwnException() {
        dynamo.then(conditionFailed(Map.of()));
        assertThat(budget.tryTake(1L)).isFalse();

        dynamo.then(DynamoDbException.builder()
                .message(RecordingDynamo.AWS_TEXT)
                .statusCode(500)
                .build());
        assertThatThrownBy(() -> budget.tryTake(2L))
                .isInstanceOf(ReauthException.DependencyFailed.class)
                .hasMessageNotContaining(RecordingDynamo.AWS_TEXT);
    }
}
