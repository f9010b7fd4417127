package dev.reauth.aws;

import static dev.reauth.aws.DynamoSessionStoreTest.n;
import static dev.reauth.aws.DynamoSessionStoreTest.s;
import static dev.reauth.aws.RecordingDynamo.assertPlaceholdersMatch;
import static dev.reauth.aws.RecordingDynamo.conditionFailed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.refresh.LeasedAccount;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

class DynamoSecondRefresherLedgerTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final LeasedAccount LEASED =
            new LeasedAccount("acct-1", "work", 4, new byte[] {1}, "lease-1", 0, Set.of(), Optional.empty());

    private final RecordingDynamo dynamo = new RecordingDynamo();
    private final DynamoSecondRefresherLedger ledger = new DynamoSecondRefresherLedger(dynamo, "accounts");

    @Test
    void agentSeen_setsOnlyAgentSeenAt_onAnExistingAccount() {
        assertThat(ledger.agentSeen("acct-1", NOW)).isTrue();

        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.updateExpression()).isEqualTo("SET #seen = :now");
        assertThat(update.conditionExpression()).isEqualTo("attribute_exists(#id)");
        assertThat(update.expressionAttributeNames()).containsEntry("#seen", "agent_seen_at");
        assertThat(update.expressionAttributeValues()).containsEntry(":now", n(NOW.toEpochMilli()));
        assertPlaceholdersMatch(update);

        dynamo.then(conditionFailed(Map.of()));
        assertThat(ledger.agentSeen("gone", NOW)).isFalse();
    }

    @Test
    void agentSeenAt_readsTheAttribute_consistently() {
        dynamo.then(GetItemResponse.builder()
                .item(Map.of("agent_seen_at", n(NOW.toEpochMilli())))
                .build());
        assertThat(ledger.agentSeenAt("acct-1")).contains(NOW);
        dynamo.then(GetItemResponse.builder().build());
        assertThat(ledger.agentSeenAt("acct-1")).isEmpty();
    }

    @Test
    void releaseLease_removesOnlyTheLease_whileThisRefresherHoldsItOnTheReadVersion() {
        assertThat(ledger.releaseLease(LEASED)).isTrue();

        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.updateExpression()).isEqualTo("REMOVE #leaseUntil, #leaseOwner");
        assertThat(update.conditionExpression()).isEqualTo("#ver = :base AND #leaseOwner = :owner");
        assertThat(update.expressionAttributeValues())
                .containsEntry(":base", n(4))
                .containsEntry(":owner", s("lease-1"));
        assertPlaceholdersMatch(update);
    }

    @Test
    void markDeadAfterHold_marksOnlyTheRefusedVersion_underNoLiveLease_andNotTwice() {
        assertThat(ledger.markDeadAfterHold(LEASED, "invalid_grant", NOW)).isTrue();

        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.conditionExpression())
                .isEqualTo("#ver = :base AND (attribute_not_exists(#leaseUntil) OR #leaseUntil < :now)"
                        + " AND (attribute_not_exists(#reauth) OR #reauth = :false)");
        assertThat(update.updateExpression())
                .startsWith("SET #reauth = :true, #reason = :reason")
                .doesNotContain("#ct");
        assertThat(update.expressionAttributeValues())
                .containsEntry(":base", n(4))
                .containsEntry(":reason", s("invalid_grant"));
        assertPlaceholdersMatch(update);

        dynamo.then(conditionFailed(Map.of()));
        assertThat(ledger.markDeadAfterHold(LEASED, "invalid_grant", NOW)).isFalse();
    }

    @Test
    void secondRefresherSeen_isNews_onlyAfterAQuietPeriodWithoutIt() {
        // GIVEN never seen: news
        assertThat(ledger.secondRefresherSeen("acct-1", NOW, Duration.ofHours(24)))
                .isTrue();
        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.updateExpression()).isEqualTo("SET #seen = :now");
        assertThat(update.expressionAttributeNames()).containsEntry("#seen", "second_refresher_seen_at");
        assertThat(update.returnValues()).isEqualTo(ReturnValue.UPDATED_OLD);
        assertPlaceholdersMatch(update);

        // seen 8 hours before: not news (a proxy that keeps refreshing is alerted about once)
        dynamo.then(UpdateItemResponse.builder()
                .attributes(Map.of(
                        "second_refresher_seen_at",
                        n(NOW.minus(Duration.ofHours(8)).toEpochMilli())))
                .build());
        assertThat(ledger.secondRefresherSeen("acct-1", NOW, Duration.ofHours(24)))
                .isFalse();

        // seen 25 hours before: news again
        dynamo.then(UpdateItemResponse.builder()
                .attributes(Map.of(
                        "second_refresher_seen_at",
                        n(NOW.minus(Duration.ofHours(25)).toEpochMilli())))
                .build());
        assertThat(ledger.secondRefresherSeen("acct-1", NOW, Duration.ofHours(24)))
                .isTrue();
    }
}
