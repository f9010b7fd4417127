package dev.reauth.aws;

import static dev.reauth.aws.DynamoSessionStoreTest.n;
import static dev.reauth.aws.DynamoSessionStoreTest.s;
import static dev.reauth.aws.RecordingDynamo.assertPlaceholdersMatch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.refresh.DueAccount;
import dev.reauth.refresh.RefreshClaim;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** The refresh ledger's reads: the due accounts from the sparse index, the sealed tokens, the current state. */
class DynamoRefreshLedgerReadsTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final byte[] CIPHERTEXT = {9, 8, 7};
    private static final AttributeValue CT = AttributeValue.fromB(SdkBytes.fromByteArray(CIPHERTEXT));

    private final RecordingDynamo dynamo = new RecordingDynamo();
    private final DynamoRefreshLedger ledger = new DynamoRefreshLedger(dynamo, "accounts", "refresh-index", 4);

    @Test
    void findDue_queriesEveryBucketOfTheIndex_everyPage() {
        Map<String, AttributeValue> more = Map.of("id", s("acct-0"));
        dynamo.then(QueryResponse.builder()
                        .items(Map.of(
                                "id",
                                s("acct-0"),
                                "name",
                                s("zero"),
                                "token_version",
                                n(1),
                                "expires_at",
                                n(NOW.plusSeconds(60).toEpochMilli())))
                        .lastEvaluatedKey(more)
                        .build())
                .then(QueryResponse.builder()
                        .items(Map.of(
                                "id",
                                s("acct-1"),
                                "name",
                                s("one"),
                                "token_version",
                                n(2),
                                "expires_at",
                                n(NOW.plusSeconds(90).toEpochMilli()),
                                "next_refresh_at",
                                n(NOW.plusSeconds(30).toEpochMilli()),
                                "refresh_alerts",
                                AttributeValue.fromSs(List.of("stale"))))
                        .build());

        List<DueAccount> due = ledger.findDue(NOW.plusSeconds(3600));

        assertThat(due)
                .containsExactly(
                        new DueAccount(
                                "acct-0", "zero", 1, NOW.plusSeconds(60), Optional.empty(), Optional.empty(), Set.of()),
                        new DueAccount(
                                "acct-1",
                                "one",
                                2,
                                NOW.plusSeconds(90),
                                Optional.of(NOW.plusSeconds(30)),
                                Optional.empty(),
                                Set.of("stale")));
        List<QueryRequest> queries = dynamo.all(QueryRequest.class);
        assertThat(queries)
                .extracting(q -> q.expressionAttributeValues().get(":bucket").s())
                .containsExactly("b0", "b0", "b1", "b2", "b3");
        assertThat(queries.get(1).exclusiveStartKey()).isEqualTo(more);
        QueryRequest query = queries.getFirst();
        assertThat(query.indexName()).isEqualTo("refresh-index");
        assertThat(query.keyConditionExpression()).isEqualTo("#bucket = :bucket AND #exp <= :horizon");
        assertThat(query.expressionAttributeValues())
                .containsEntry(":horizon", n(NOW.plusSeconds(3600).toEpochMilli()));
        assertPlaceholdersMatch(
                query.expressionAttributeNames(),
                query.expressionAttributeValues(),
                query.keyConditionExpression(),
                query.projectionExpression());
    }

    @Test
    void sealed_isAConsistentRead_ofTheCiphertextAndVersion() {
        dynamo.then(GetItemResponse.builder()
                        .item(Map.of("name", s("work"), "token_version", n(4), "token_ciphertext", CT))
                        .build())
                .then(GetItemResponse.builder()
                        .item(Map.of("name", s("never-sealed")))
                        .build());

        assertThat(ledger.sealed("acct-1")).hasValueSatisfying(read -> {
            assertThat(read.tokenVersion()).isEqualTo(4);
            assertThat(read.ciphertext()).isEqualTo(CIPHERTEXT);
        });
        assertThat(ledger.sealed("acct-2")).isEmpty();
        GetItemRequest get = dynamo.all(GetItemRequest.class).getFirst();
        assertThat(get.consistentRead()).isTrue();
        assertPlaceholdersMatch(get.expressionAttributeNames(), Map.of(), get.projectionExpression());
    }

    @Test
    void current_tellsDeadFromInFlightFromIdle() {
        dynamo.then(GetItemResponse.builder().build())
                .then(GetItemResponse.builder()
                        .item(Map.of(
                                "id", s("a"), "token_version", n(4), "requires_reauth", AttributeValue.fromBool(true)))
                        .build())
                .then(GetItemResponse.builder()
                        .item(Map.of(
                                "id",
                                s("a"),
                                "token_version",
                                n(4),
                                "refresh_lease_until",
                                n(NOW.plusSeconds(5).toEpochMilli())))
                        .build())
                .then(GetItemResponse.builder()
                        .item(Map.of(
                                "id",
                                s("a"),
                                "token_version",
                                n(5),
                                "refresh_lease_until",
                                n(NOW.minusSeconds(5).toEpochMilli())))
                        .build());

        assertThat(ledger.current("a", NOW).reason()).isEqualTo(RefreshClaim.Reason.GONE);
        assertThat(ledger.current("a", NOW).reason()).isEqualTo(RefreshClaim.Reason.DEAD);
        assertThat(ledger.current("a", NOW).reason()).isEqualTo(RefreshClaim.Reason.IN_FLIGHT);
        assertThat(ledger.current("a", NOW))
                .isEqualTo(new RefreshClaim.Refused(RefreshClaim.Reason.IDLE, 5, Optional.of(NOW.minusSeconds(5))));
        GetItemRequest get = dynamo.all(GetItemRequest.class).getFirst();
        assertThat(get.consistentRead()).isTrue();
        assertPlaceholdersMatch(get.expressionAttributeNames(), Map.of(), get.projectionExpression());
    }
}
