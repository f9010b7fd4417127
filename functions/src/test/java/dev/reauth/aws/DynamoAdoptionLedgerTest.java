package dev.reauth.aws;

import static dev.reauth.aws.DynamoSessionStoreTest.n;
import static dev.reauth.aws.DynamoSessionStoreTest.s;
import static dev.reauth.aws.RecordingDynamo.assertPlaceholdersMatch;
import static dev.reauth.aws.RecordingDynamo.conditionFailed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.domain.ReauthException;
import dev.reauth.refresh.AdoptionLedger.Admission;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

class DynamoAdoptionLedgerTest {

    private static final Instant NOW = Instant.parse("2026-12-02T16:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final RecordingDynamo dynamo = new RecordingDynamo();
    private final DynamoAdoptionLedger ledger = new DynamoAdoptionLedger(dynamo, "accounts");

    @Test
    void admit_countsInTheOpenWindow_belowTheLimit_andReadsVersionAndBinding() {
        dynamo.then(UpdateItemResponse.builder()
                .attributes(Map.of("id", s("acct-1"), "token_version", n(7), "provider_account_uuid", s("uuid-1")))
                .build());

        assertThat(ledger.admit("acct-1", 6, MINUTE, NOW)).isEqualTo(new Admission.Admitted(7, Optional.of("uuid-1")));

        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.updateExpression()).isEqualTo("SET #count = #count + :one");
        assertThat(update.conditionExpression())
                .isEqualTo("attribute_exists(#id) AND #windowAt > :windowOpen AND #count < :limit");
        assertThat(update.expressionAttributeNames())
                .containsEntry("#windowAt", "adoption_window_at")
                .containsEntry("#count", "adoption_count");
        assertThat(update.expressionAttributeValues())
                .containsEntry(":windowOpen", n(NOW.minus(MINUTE).toEpochMilli()))
                .containsEntry(":limit", n(6));
        assertThat(update.returnValues()).isEqualTo(ReturnValue.ALL_NEW);
        assertPlaceholdersMatch(update);
    }

    @Test
    void admit_afterTheWindowClosed_opensANewOne_onlyWhenItReallyClosed() {
        dynamo.then(conditionFailed(Map.of()))
                .then(UpdateItemResponse.builder()
                        .attributes(Map.of("id", s("acct-1"), "token_version", n(3)))
                        .build());

        assertThat(ledger.admit("acct-1", 6, MINUTE, NOW)).isEqualTo(new Admission.Admitted(3, Optional.empty()));

        UpdateItemRequest open = dynamo.all(UpdateItemRequest.class).get(1);
        assertThat(open.updateExpression()).isEqualTo("SET #windowAt = :now, #count = :one");
        assertThat(open.conditionExpression())
                .isEqualTo("attribute_exists(#id) AND (attribute_not_exists(#windowAt) OR #windowAt <= :windowOpen)");
        assertThat(open.expressionAttributeValues()).containsEntry(":now", n(NOW.toEpochMilli()));
        assertPlaceholdersMatch(open);
    }

    @Test
    void admit_atTheLimit_isLimitedUntilTheWindowReopens_withoutCounting() {
        dynamo.then(conditionFailed(Map.of()))
                .then(conditionFailed(Map.of()))
                .then(GetItemResponse.builder()
                        .item(Map.of(
                                "id",
                                s("acct-1"),
                                "adoption_window_at",
                                n(NOW.minusSeconds(45).toEpochMilli()),
                                "adoption_count",
                                n(6)))
                        .build());

        assertThat(ledger.admit("acct-1", 6, MINUTE, NOW)).isEqualTo(new Admission.Limited(Duration.ofSeconds(15)));
        assertThat(dynamo.requests.get(2))
                .isInstanceOfSatisfying(
                        GetItemRequest.class,
                        get -> assertThat(get.consistentRead()).isTrue());
    }

    @Test
    void admit_anAccountThatIsNotThere_isNotFound() {
        dynamo.then(conditionFailed(Map.of()))
                .then(conditionFailed(Map.of()))
                .then(GetItemResponse.builder().build());

        assertThatThrownBy(() -> ledger.admit("gone", 6, MINUTE, NOW))
                .isInstanceOf(ReauthException.AccountNotFound.class);
    }

    @Test
    void admit_whenTheTableFails_isADependencyFailure_withoutAwsText() {
        dynamo.then(software.amazon.awssdk.services.dynamodb.model.DynamoDbException.builder()
                .message(RecordingDynamo.AWS_TEXT)
                .build());

        assertThatThrownBy(() -> ledger.admit("acct-1", 6, MINUTE, NOW))
                .isInstanceOf(ReauthException.DependencyFailed.class)
                .hasMessageNotContaining(RecordingDynamo.AWS_TEXT);
    }
}
