package dev.reauth.aws;

import static dev.reauth.aws.DynamoSessionStoreTest.n;
import static dev.reauth.aws.DynamoSessionStoreTest.s;
import static dev.reauth.aws.RecordingDynamo.assertPlaceholdersMatch;
import static dev.reauth.aws.RecordingDynamo.conditionFailed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.refresh.RefreshTokenDeadlines.ClaimedWarning;
import dev.reauth.refresh.RefreshTokenDeadlines.ExpiringAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

class DynamoRefreshTokenDeadlinesTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private final RecordingDynamo dynamo = new RecordingDynamo();
    private final DynamoRefreshTokenDeadlines deadlines =
            new DynamoRefreshTokenDeadlines(dynamo, "accounts", "deadline-index", 2);

    @Test
    void findExpiring_queriesEachBucketOfTheDeadlineIndex_upToTheHorizon_leavingOutTodaysWarned() {
        // GIVEN bucket b0 holds one expiring account, b1 none
        Instant deadline = NOW.plus(Duration.ofDays(2));
        dynamo.then(QueryResponse.builder()
                .items(Map.of(
                        "id", s("acct-1"),
                        "name", s("alpha"),
                        "refresh_token_expires_at", n(deadline.toEpochMilli())))
                .build());

        // WHEN
        var found = deadlines.findExpiring(NOW.plus(Duration.ofDays(3)), NOW.minus(Duration.ofDays(1)));

        // THEN
        assertThat(found).containsExactly(new ExpiringAccount("acct-1", "alpha", deadline));
        var queries = dynamo.all(QueryRequest.class);
        assertThat(queries).hasSize(2);
        assertThat(queries)
                .extracting(q -> q.expressionAttributeValues().get(":bucket").s())
                .containsExactly("b0", "b1");
        QueryRequest query = queries.getFirst();
        assertThat(query.indexName()).isEqualTo("deadline-index");
        assertThat(query.keyConditionExpression()).isEqualTo("#bucket = :bucket AND #rtExp <= :horizon");
        assertThat(query.filterExpression()).isEqualTo("attribute_not_exists(#warnedAt) OR #warnedAt <= :warnedBefore");
        assertThat(query.expressionAttributeNames())
                .containsEntry("#rtExp", "refresh_token_expires_at")
                .containsEntry("#warnedAt", "expiring_alert_at")
                .containsEntry("#bucket", "refresh_bucket");
        assertThat(query.expressionAttributeValues())
                .containsEntry(":horizon", n(NOW.plus(Duration.ofDays(3)).toEpochMilli()))
                .containsEntry(":warnedBefore", n(NOW.minus(Duration.ofDays(1)).toEpochMilli()));
    }

    @Test
    void claimWarning_holdsOnlyForAnAliveAccount_stillAtThatDeadline_notWarnedToday() {
        Instant deadline = NOW.plus(Duration.ofDays(2));
        Instant accessExpiry = NOW.plus(Duration.ofMinutes(40));
        dynamo.then(UpdateItemResponse.builder()
                .attributes(Map.of("id", s("acct-1"), "expires_at", n(accessExpiry.toEpochMilli())))
                .build());

        var claimed = deadlines.claimWarning("acct-1", deadline, NOW.minus(Duration.ofDays(1)), NOW);

        assertThat(claimed).contains(new ClaimedWarning(Optional.of(accessExpiry)));
        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.returnValues()).isEqualTo(ReturnValue.ALL_NEW);
        assertThat(update.key()).isEqualTo(Map.of("id", s("acct-1")));
        assertThat(update.updateExpression()).isEqualTo("SET #warnedAt = :now");
        assertThat(update.conditionExpression())
                .isEqualTo("attribute_exists(#bucket) AND #rtExp = :deadline"
                        + " AND (attribute_not_exists(#reauth) OR #reauth = :false)"
                        + " AND (attribute_not_exists(#warnedAt) OR #warnedAt <= :warnedBefore)");
        assertThat(update.expressionAttributeValues())
                .containsEntry(":deadline", n(deadline.toEpochMilli()))
                .containsEntry(":now", n(NOW.toEpochMilli()));
        assertPlaceholdersMatch(update);
    }

    @Test
    void claimWarning_whenAnotherRunWarnedOrTheAccountMoved_isRefused() {
        dynamo.then(conditionFailed(Map.of()));

        assertThat(deadlines.claimWarning("acct-1", NOW, NOW.minus(Duration.ofDays(1)), NOW))
                .isEmpty();
    }

    @Test
    void releaseWarning_removesOnlyTheMarkThisRunSet() {
        deadlines.releaseWarning("acct-1", NOW);

        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.updateExpression()).isEqualTo("REMOVE #warnedAt");
        assertThat(update.conditionExpression()).isEqualTo("#warnedAt = :claimedAt");
        assertPlaceholdersMatch(update);
    }
}
