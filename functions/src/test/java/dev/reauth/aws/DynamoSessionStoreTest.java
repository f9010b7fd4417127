package dev.reauth.aws;

import static dev.reauth.aws.RecordingDynamo.AWS_TEXT;
import static dev.reauth.aws.RecordingDynamo.assertPlaceholdersMatch;
import static dev.reauth.aws.RecordingDynamo.cancelled;
import static dev.reauth.aws.RecordingDynamo.conditionFailed;
import static dev.reauth.aws.RecordingDynamo.reason;
import static dev.reauth.aws.RecordingDynamo.unreachable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.domain.ClaimedSession;
import dev.reauth.domain.OAuthSession;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.SessionIntent;
import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.CodeVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

class DynamoSessionStoreTest {

    private static final Instant NOW = Instant.parse("2026-11-26T19:36:00Z");
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final CodeVerifier VERIFIER = new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

    private final RecordingDynamo dynamo = new RecordingDynamo();
    private final DynamoSessionStore store = new DynamoSessionStore(dynamo, "sessions", LEASE);

    @Test
    void create_reauth_putsTheWholeSession_onlyIfItsKeyIsNew() {
        // WHEN
        store.create(session(SessionIntent.REAUTH));

        // THEN
        PutItemRequest put = dynamo.only(PutItemRequest.class);
        assertThat(put.tableName()).isEqualTo("sessions");
        assertThat(put.conditionExpression()).isEqualTo("attribute_not_exists(#pk)");
        assertThat(put.expressionAttributeNames()).isEqualTo(Map.of("#pk", "state_hash"));
        assertPlaceholdersMatch(
                put.expressionAttributeNames(), put.expressionAttributeValues(), put.conditionExpression());
        assertThat(put.item())
                .isEqualTo(Map.ofEntries(
                        Map.entry("state_hash", s("hash-of-state")),
                        Map.entry("intent", s("REAUTH")),
                        Map.entry("account_id", s("acct-1")),
                        Map.entry("account_name", s("work")),
                        Map.entry("mode", s("max")),
                        Map.entry("code_verifier", s(VERIFIER.value())),
                        Map.entry("redirect_uri", s("https://platform.claude.com/oauth/code/callback")),
                        Map.entry("initiator", s("arn:aws:iam::123456789012:user/ops")),
                        Map.entry("created_at", n(NOW.toEpochMilli())),
                        Map.entry("expires_at", n(NOW.plusSeconds(600).toEpochMilli())),
                        // TTL: epoch seconds, a day past expiry
                        Map.entry(
                                "ttl",
                                n(NOW.plusSeconds(600).plus(Duration.ofDays(1)).getEpochSecond())),
                        Map.entry("base_token_version", n(3)),
                        Map.entry("allow_account_change", AttributeValue.fromBool(false)),
                        Map.entry("account_required_reauth", AttributeValue.fromBool(true))));
    }

    @Test
    void create_add_storesTheSessionAndReservesTheName_inOneTransaction() {
        store.create(session(SessionIntent.ADD));

        List<TransactWriteItem> items =
                dynamo.only(TransactWriteItemsRequest.class).transactItems();
        assertThat(items).hasSize(2);
        assertThat(items.get(0).put().item())
                .containsEntry("state_hash", s("hash-of-state"))
                .containsEntry("intent", s("ADD"));
        assertThat(items.get(0).put().conditionExpression()).isEqualTo("attribute_not_exists(#pk)");
        var reservation = items.get(1).put();
        assertThat(reservation.tableName()).isEqualTo("sessions");
        assertThat(reservation.item())
                .isEqualTo(Map.of(
                        "state_hash",
                        s("name-reservation#work"),
                        "reserved_by",
                        s("hash-of-state"),
                        "account_name",
                        s("work"),
                        "expires_at",
                        n(NOW.plusSeconds(600).toEpochMilli()),
                        "ttl",
                        n(NOW.plusSeconds(600).plus(Duration.ofDays(1)).getEpochSecond())));
        assertThat(reservation.conditionExpression()).isEqualTo("attribute_not_exists(#pk) OR #expiresAt <= :now");
        assertThat(reservation.expressionAttributeNames())
                .isEqualTo(Map.of("#pk", "state_hash", "#expiresAt", "expires_at"));
        assertThat(reservation.expressionAttributeValues()).isEqualTo(Map.of(":now", n(NOW.toEpochMilli())));
        assertThat(reservation.returnValuesOnConditionCheckFailure())
                .isEqualTo(ReturnValuesOnConditionCheckFailure.ALL_OLD);
        items.forEach(RecordingDynamo::assertPlaceholdersMatch);
    }

    @Test
    void create_add_whoseNameIsReserved_isNameReserved_sayingUntilWhen() {
        dynamo.then(cancelled(
                reason("None"),
                reason(
                        "ConditionalCheckFailed",
                        Map.of(
                                "expires_at",
                                n(Instant.parse("2026-11-26T19:40:00.456Z").toEpochMilli())))));

        assertThatThrownBy(() -> store.create(session(SessionIntent.ADD)))
                .isInstanceOf(ReauthException.NameReserved.class)
                .hasMessageContaining("'work'")
                .hasMessageContaining("until 2026-11-26T19:40:00Z");
    }

    @Test
    void create_add_cancelledForAnotherReason_isADependencyFailure_withoutAwsText() {
        dynamo.then(cancelled(reason("ConditionalCheckFailed"), reason("None")));

        assertThatThrownBy(() -> store.create(session(SessionIntent.ADD)))
                .isInstanceOf(ReauthException.DependencyFailed.class)
                .hasMessageNotContaining(AWS_TEXT);
    }

    @Test
    void create_unreachableTable_isADependencyFailure_withoutAwsText() {
        dynamo.then(unreachable());

        assertThatThrownBy(() -> store.create(session(SessionIntent.REAUTH)))
                .isInstanceOf(ReauthException.DependencyFailed.class)
                .hasMessageNotContaining(AWS_TEXT);
    }

    @Test
    void claim_isOneConditionalUpdate_withALease_returningTheSession() {
        // GIVEN the table answers with the item as updated
        Map<String, AttributeValue> stored = new HashMap<>(storedItem());
        dynamo.then(UpdateItemResponse.builder().attributes(stored).build());

        // WHEN
        ClaimedSession claim = store.claim("hash-of-state", NOW);

        // THEN
        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.tableName()).isEqualTo("sessions");
        assertThat(update.key()).isEqualTo(Map.of("state_hash", s("hash-of-state")));
        assertThat(update.updateExpression()).isEqualTo("SET #claimId = :claimId, #leaseEnd = :leaseEnd");
        assertThat(update.conditionExpression())
                .isEqualTo(DynamoSessionStore.CLAIM_CONDITION)
                .isEqualTo("attribute_exists(#pk) AND #expiresAt > :now AND attribute_not_exists(#consumedAt)"
                        + " AND (attribute_not_exists(#leaseEnd) OR #leaseEnd < :now)");
        assertThat(update.expressionAttributeNames())
                .isEqualTo(Map.of(
                        "#pk",
                        "state_hash",
                        "#expiresAt",
                        "expires_at",
                        "#consumedAt",
                        "consumed_at",
                        "#leaseEnd",
                        "claim_expires_at",
                        "#claimId",
                        "claim_id"));
        assertThat(update.expressionAttributeValues())
                .isEqualTo(Map.of(
                        ":now",
                        n(NOW.toEpochMilli()),
                        ":leaseEnd",
                        n(NOW.plus(LEASE).toEpochMilli()),
                        ":claimId",
                        s(claim.claimId())));
        assertThat(update.returnValues()).isEqualTo(ReturnValue.ALL_NEW);
        assertThat(update.returnValuesOnConditionCheckFailure()).isEqualTo(ReturnValuesOnConditionCheckFailure.ALL_OLD);
        assertPlaceholdersMatch(update);
        assertThat(claim.session()).isEqualTo(session(SessionIntent.REAUTH));
    }

    @Test
    void claim_refused_isExplainedFromTheItemAsItWas() {
        assertThat(refusedClaim(null))
                .isInstanceOf(ReauthException.InvalidRequest.class)
                .satisfies(e -> assertThat(e.error()).isEqualTo("invalid_state"));
        assertThat(refusedClaim(with(storedItem(), "consumed_at", n(NOW.toEpochMilli()))))
                .isInstanceOf(ReauthException.SessionUsed.class)
                .satisfies(e -> assertThat(e.error()).isEqualTo("session_used"));
        assertThat(refusedClaim(with(storedItem(), "expires_at", n(NOW.toEpochMilli()))))
                .isInstanceOf(ReauthException.SessionExpired.class);
        assertThat(refusedClaim(with(
                        storedItem(), "claim_expires_at", n(NOW.plusSeconds(30).toEpochMilli()))))
                .isInstanceOf(ReauthException.SessionUsed.class)
                .satisfies(e -> assertThat(e.error()).isEqualTo("session_in_progress"));
    }

    @Test
    void claim_unreachableTable_isADependencyFailure() {
        dynamo.then(unreachable());

        assertThatThrownBy(() -> store.claim("hash-of-state", NOW))
                .isInstanceOf(ReauthException.DependencyFailed.class)
                .hasMessageNotContaining(AWS_TEXT);
    }

    @Test
    void release_removesTheClaim_onlyIfStillOurs_andSwallowsAFailure() {
        ClaimedSession claim = new ClaimedSession(session(SessionIntent.REAUTH), "claim-1");

        store.release(claim);
        dynamo.then(unreachable());
        assertThatCode(() -> store.release(claim)).doesNotThrowAnyException();

        UpdateItemRequest update = dynamo.all(UpdateItemRequest.class).getFirst();
        assertThat(update.key()).isEqualTo(Map.of("state_hash", s("hash-of-state")));
        assertThat(update.updateExpression()).isEqualTo("REMOVE #claimId, #leaseEnd");
        assertThat(update.conditionExpression()).isEqualTo("#claimId = :claimId");
        assertThat(update.expressionAttributeValues()).isEqualTo(Map.of(":claimId", s("claim-1")));
        assertPlaceholdersMatch(update);
    }

    private ReauthException refusedClaim(Map<String, AttributeValue> old) {
        dynamo.then(conditionFailed(old));
        try {
            store.claim("hash-of-state", NOW);
        } catch (ReauthException e) {
            return e;
        }
        throw new AssertionError("the claim was not refused");
    }

    private static OAuthSession session(SessionIntent intent) {
        return new OAuthSession(
                "hash-of-state",
                intent,
                "acct-1",
                "work",
                AccountMode.MAX,
                VERIFIER,
                "https://platform.claude.com/oauth/code/callback",
                Optional.of("arn:aws:iam::123456789012:user/ops"),
                NOW,
                NOW.plusSeconds(600),
                3,
                false,
                true);
    }

    /** The item create() writes: a claim reads back what a create wrote. */
    private static Map<String, AttributeValue> storedItem() {
        RecordingDynamo recorder = new RecordingDynamo();
        new DynamoSessionStore(recorder, "sessions", LEASE).create(session(SessionIntent.REAUTH));
        return new HashMap<>(recorder.only(PutItemRequest.class).item());
    }

    private static Map<String, AttributeValue> with(
            Map<String, AttributeValue> item, String name, AttributeValue value) {
        Map<String, AttributeValue> changed = new HashMap<>(item);
        changed.put(name, value);
        return changed;
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
