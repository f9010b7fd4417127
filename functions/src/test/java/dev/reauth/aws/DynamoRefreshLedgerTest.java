package dev.reauth.aws;

import static dev.reauth.aws.DynamoSessionStoreTest.n;
import static dev.reauth.aws.DynamoSessionStoreTest.s;
import static dev.reauth.aws.RecordingDynamo.AWS_TEXT;
import static dev.reauth.aws.RecordingDynamo.assertPlaceholdersMatch;
import static dev.reauth.aws.RecordingDynamo.conditionFailed;
import static dev.reauth.aws.RecordingDynamo.unreachable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.domain.ReauthException;
import dev.reauth.domain.SealedTokens;
import dev.reauth.oauth.AccountMode;
import dev.reauth.refresh.LeasedAccount;
import dev.reauth.refresh.RefreshBucket;
import dev.reauth.refresh.RefreshClaim;
import dev.reauth.refresh.RefreshLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

class DynamoRefreshLedgerTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final byte[] CIPHERTEXT = {9, 8, 7};
    private static final AttributeValue CT = AttributeValue.fromB(SdkBytes.fromByteArray(CIPHERTEXT));
    private static final LeasedAccount LEASED =
            new LeasedAccount("acct-1", "work", 4, CIPHERTEXT, "lease-1", 2, Set.of("failing"), Optional.empty());
    private static final SealedTokens NEW_TOKENS =
            new SealedTokens(new byte[] {5}, NOW.plusSeconds(28_800), Optional.empty());

    private final RecordingDynamo dynamo = new RecordingDynamo();
    private final DynamoRefreshLedger ledger = new DynamoRefreshLedger(dynamo, "accounts", "refresh-index", 4);

    @Test
    void claim_onAKnownVersion_isOneConditionalUpdate_returningTheLeasedAccount() {
        // GIVEN
        dynamo.then(UpdateItemResponse.builder()
                .attributes(Map.of(
                        "id",
                        s("acct-1"),
                        "name",
                        s("work"),
                        "token_version",
                        n(4),
                        "token_ciphertext",
                        CT,
                        "refresh_failures",
                        n(2),
                        "refresh_alerts",
                        AttributeValue.fromSs(List.of("failing")),
                        "tokens_updated_at",
                        n(NOW.minusSeconds(3600).toEpochMilli())))
                .build());

        // WHEN
        RefreshClaim claim = ledger.claim(
                "acct-1", OptionalLong.of(4), "lease-1", NOW, Duration.ofMinutes(2), Duration.ofSeconds(30));

        // THEN
        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.key()).isEqualTo(Map.of("id", s("acct-1")));
        assertThat(update.updateExpression())
                .isEqualTo(DynamoRefreshLedger.CLAIM_UPDATE)
                .isEqualTo("SET #leaseUntil = :leaseEnd, #leaseOwner = :owner, #attempt = :now");
        assertThat(update.conditionExpression())
                .isEqualTo("attribute_exists(#id) AND attribute_exists(#ct)"
                        + " AND (attribute_not_exists(#reauth) OR #reauth = :false)"
                        + " AND (attribute_not_exists(#leaseUntil) OR #leaseUntil < :now)"
                        + " AND (attribute_not_exists(#attempt) OR #attempt <= :recent)"
                        + " AND (attribute_not_exists(#throttled) OR #throttled <= :now) AND #ver = :expected");
        assertThat(update.expressionAttributeNames()).containsEntry("#throttled", "throttled_until");
        assertThat(update.expressionAttributeValues())
                .isEqualTo(Map.of(
                        ":false",
                        AttributeValue.fromBool(false),
                        ":now",
                        n(NOW.toEpochMilli()),
                        ":recent",
                        n(NOW.minusSeconds(30).toEpochMilli()),
                        ":leaseEnd",
                        n(NOW.plusSeconds(120).toEpochMilli()),
                        ":owner",
                        s("lease-1"),
                        ":expected",
                        n(4)));
        assertThat(update.expressionAttributeNames())
                .containsEntry("#attempt", "last_refresh_attempt_at")
                .containsEntry("#leaseOwner", "refresh_lease_owner")
                .containsEntry("#ver", "token_version");
        // the item before the claim, so a lease left on it (expired, no outcome recorded) is seen
        assertThat(update.returnValues()).isEqualTo(ReturnValue.ALL_OLD);
        assertThat(update.returnValuesOnConditionCheckFailure()).isEqualTo(ReturnValuesOnConditionCheckFailure.ALL_OLD);
        assertPlaceholdersMatch(update);
        assertThat(claim).isInstanceOfSatisfying(RefreshClaim.Leased.class, leased -> {
            LeasedAccount account = leased.account();
            assertThat(account.tokenVersion()).isEqualTo(4);
            assertThat(account.ciphertext()).isEqualTo(CIPHERTEXT);
            assertThat(account.leaseOwner()).isEqualTo("lease-1");
            assertThat(account.failures()).isEqualTo(2);
            assertThat(account.alertsSent()).containsExactly("failing");
            assertThat(account.lastHealthyAt()).contains(NOW.minusSeconds(3600));
            assertThat(account.uncertainSince()).isEmpty();
        });
    }

    @Test
    void claim_overALeaseThatExpiredWithNoOutcome_reportsItAbandoned_andCarriesAnUncertainRotation() {
        // GIVEN the previous refresher's lease is still on the item (it died), and a lost answer is on record
        dynamo.then(UpdateItemResponse.builder()
                .attributes(Map.of(
                        "token_version",
                        n(4),
                        "token_ciphertext",
                        CT,
                        "refresh_lease_until",
                        n(NOW.minusSeconds(5).toEpochMilli()),
                        "rotation_uncertain_at",
                        n(NOW.minusSeconds(600).toEpochMilli())))
                .build());

        // WHEN
        RefreshClaim claim = ledger.claim(
                "acct-1", OptionalLong.of(4), "lease-2", NOW, Duration.ofMinutes(2), Duration.ofSeconds(30));

        // THEN
        assertThat(claim).isInstanceOfSatisfying(RefreshClaim.Leased.class, leased -> {
            assertThat(leased.account().abandonedLeaseUntil()).contains(NOW.minusSeconds(5));
            assertThat(leased.account().rotationUncertainSince()).contains(NOW.minusSeconds(600));
            assertThat(leased.account().uncertainSince()).contains(NOW.minusSeconds(600));
        });
    }

    @Test
    void recordFailure_ofALostAnswer_marksTheRotationUncertain_keepingTheFirstMark() {
        dynamo.then(UpdateItemResponse.builder()
                .attributes(Map.of("refresh_failures", n(3)))
                .build());

        ledger.recordFailure(LEASED, "provider_answer_lost", NOW.plusSeconds(60), Optional.of(NOW), NOW);

        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.updateExpression())
                .isEqualTo("SET #failures = if_not_exists(#failures, :zero) + :one, #result = :result,"
                        + " #next = :retryAt, #uncertain = if_not_exists(#uncertain, :uncertain)"
                        + " REMOVE #leaseUntil, #leaseOwner");
        assertThat(update.expressionAttributeNames()).containsEntry("#uncertain", "rotation_uncertain_at");
        assertThat(update.expressionAttributeValues()).containsEntry(":uncertain", n(NOW.toEpochMilli()));
        assertThat(update.conditionExpression()).isEqualTo(DynamoRefreshLedger.LEASE_HELD);
        assertPlaceholdersMatch(update);
    }

    @Test
    void commit_ofTokensWithoutTheInferenceScope_setsTheAttentionReason() {
        dynamo.then(UpdateItemResponse.builder().build());

        ledger.commit(LEASED, NEW_TOKENS, true, Optional.of("scope_missing_inference"), NOW);

        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.updateExpression())
                .contains("#attention = :attention, #attentionAt = :now")
                .endsWith(
                        "REMOVE #leaseUntil, #leaseOwner, #next, #alerts, #reason, #reasonAt, #uncertain, #rescue ADD #count :one");
        assertThat(update.expressionAttributeNames())
                .containsEntry("#attention", "attention_reason")
                .containsEntry("#attentionAt", "attention_at");
        assertThat(update.expressionAttributeValues()).containsEntry(":attention", s("scope_missing_inference"));
        assertThat(update.conditionExpression()).isEqualTo(DynamoRefreshLedger.LEASE_HELD);
        assertPlaceholdersMatch(update);
    }

    @Test
    void land_ofRescuedTokens_comparesAndSetsOnTheLeasedVersion_unlessAnotherRefresherHoldsALiveLease() {
        dynamo.then(UpdateItemResponse.builder().build());

        OptionalLong version = ledger.land("acct-1", 4, "lease-1", NEW_TOKENS, true, Optional.empty(), NOW);

        assertThat(version).hasValue(5);
        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.conditionExpression())
                .isEqualTo(DynamoRefreshLedger.LAND_CONDITION)
                .isEqualTo("#ver = :base AND (attribute_not_exists(#leaseUntil) OR #leaseUntil < :now"
                        + " OR #leaseOwner = :owner)");
        assertThat(update.expressionAttributeValues())
                .containsEntry(":base", n(4))
                .containsEntry(":owner", s("lease-1"))
                .containsEntry(":next", n(5));
        assertThat(update.updateExpression())
                .contains("REMOVE")
                .contains("#uncertain, #rescue, #attention, #attentionAt");
        assertPlaceholdersMatch(update);
        // another refresher claimed meanwhile, or the version moved: nothing written
        dynamo.then(conditionFailed(Map.of()));
        assertThat(ledger.land("acct-1", 4, "lease-1", NEW_TOKENS, true, Optional.empty(), NOW))
                .isEmpty();
    }

    @Test
    void claim_withoutAKnownVersion_leavesTheVersionOutOfTheCondition() {
        dynamo.then(UpdateItemResponse.builder()
                .attributes(Map.of("token_version", n(4), "token_ciphertext", CT))
                .build());

        ledger.claim("acct-1", OptionalLong.empty(), "lease-1", NOW, Duration.ofMinutes(2), Duration.ofSeconds(30));

        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.conditionExpression()).isEqualTo(DynamoRefreshLedger.CLAIM_CONDITION);
        assertPlaceholdersMatch(update);
    }

    @Test
    void claim_refused_isExplainedFromTheItemAsItWas() {
        Map<String, AttributeValue> healthy = Map.of("id", s("acct-1"), "token_version", n(4), "token_ciphertext", CT);

        assertThat(refusedClaim(null, OptionalLong.empty()).reason()).isEqualTo(RefreshClaim.Reason.GONE);
        assertThat(refusedClaim(Map.of("id", s("acct-1")), OptionalLong.empty()).reason())
                .isEqualTo(RefreshClaim.Reason.NOT_MANAGED);
        assertThat(refusedClaim(with(healthy, "requires_reauth", AttributeValue.fromBool(true)), OptionalLong.of(4))
                        .reason())
                .isEqualTo(RefreshClaim.Reason.DEAD);
        assertThat(refusedClaim(healthy, OptionalLong.of(3)))
                .isEqualTo(new RefreshClaim.Refused(RefreshClaim.Reason.VERSION_MOVED, 4, Optional.empty()));
        assertThat(refusedClaim(
                        with(
                                healthy,
                                "refresh_lease_until",
                                n(NOW.plusSeconds(60).toEpochMilli())),
                        OptionalLong.of(4)))
                .isEqualTo(
                        new RefreshClaim.Refused(RefreshClaim.Reason.IN_FLIGHT, 4, Optional.of(NOW.plusSeconds(60))));
        assertThat(refusedClaim(
                                with(
                                        healthy,
                                        "last_refresh_attempt_at",
                                        n(NOW.minusSeconds(5).toEpochMilli())),
                                OptionalLong.of(4))
                        .reason())
                .isEqualTo(RefreshClaim.Reason.TOO_SOON);
    }

    @Test
    void commit_comparesAndSetsOnTheLeasedVersionAndLease_makingTheAccountHealthy() {
        OptionalLong version = ledger.commit(LEASED, NEW_TOKENS, true, NOW);

        assertThat(version).hasValue(5);
        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.updateExpression())
                .isEqualTo("SET #ct = :ct, #exp = :exp, #ver = :next, #updated = :now, #reauth = :false,"
                        + " #failures = :zero, #bucket = :bucket, #issued = :now, #last = :now, #result = :ok"
                        + " REMOVE #leaseUntil, #leaseOwner, #next, #alerts, #reason, #reasonAt, #uncertain,"
                        + " #rescue, #attention, #attentionAt ADD #count :one");
        assertThat(update.conditionExpression())
                .isEqualTo(DynamoRefreshLedger.LEASE_HELD)
                .isEqualTo("#ver = :base AND #leaseOwner = :owner");
        assertThat(update.expressionAttributeValues())
                .containsEntry(":base", n(4))
                .containsEntry(":next", n(5))
                .containsEntry(":owner", s("lease-1"))
                .containsEntry(":ok", s("ok"))
                .containsEntry(":one", n(1))
                .containsEntry(":bucket", s(RefreshBucket.of("acct-1", 4)));
        assertThat(update.expressionAttributeNames())
                .containsEntry("#issued", "refresh_token_issued_at")
                .containsEntry("#count", "refresh_count");
        assertPlaceholdersMatch(update);
    }

    @Test
    void commit_storesTheRefreshTokenDeadlineTheAnswerNamed_andLeavesItAloneWhenItNamedNone() {
        Instant deadline = NOW.plus(Duration.ofDays(20));
        ledger.commit(
                LEASED,
                new SealedTokens(new byte[] {5}, NOW.plusSeconds(28_800), Optional.empty(), Optional.of(deadline)),
                true,
                NOW);
        ledger.commit(LEASED, NEW_TOKENS, true, NOW);

        List<UpdateItemRequest> updates = dynamo.all(UpdateItemRequest.class);
        assertThat(updates.get(0).updateExpression()).contains(", #rtExp = :rtExp");
        assertThat(updates.get(0).expressionAttributeValues()).containsEntry(":rtExp", n(deadline.toEpochMilli()));
        assertThat(updates.get(0).expressionAttributeNames()).containsEntry("#rtExp", "refresh_token_expires_at");
        assertThat(updates.get(1).updateExpression()).doesNotContain("#rtExp");
        updates.forEach(update -> assertPlaceholdersMatch(update));
    }

    @Test
    void commit_withTheRefreshTokenKept_leavesItsIssueTimeAlone() {
        ledger.commit(LEASED, NEW_TOKENS, false, NOW);

        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.updateExpression()).doesNotContain("#issued");
        assertPlaceholdersMatch(update);
    }

    @Test
    void commit_whenTheVersionOrLeaseMoved_writesNothingAndSaysSo() {
        dynamo.then(conditionFailed(Map.of()));

        assertThat(ledger.commit(LEASED, NEW_TOKENS, true, NOW)).isEmpty();
    }

    @Test
    void adopt_comparesOnTheProxysBaseVersion_andNeverUnderALiveLease() {
        Optional<RefreshLedger.Adopted> adopted = ledger.adopt("acct-1", 7, NEW_TOKENS, NOW);

        assertThat(adopted).contains(new RefreshLedger.Adopted(8, false));
        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.conditionExpression())
                .isEqualTo(DynamoRefreshLedger.ADOPT_CONDITION)
                .isEqualTo("#ver = :base AND (attribute_not_exists(#leaseUntil) OR #leaseUntil < :now)");
        assertThat(update.updateExpression())
                .startsWith("SET #ct = :ct, #exp = :exp, #ver = :next")
                .contains(", #issued = :now, #seen = :now, #result = :adopted REMOVE")
                .contains("#uncertain, #rescue");
        assertThat(update.expressionAttributeValues())
                .containsEntry(":base", n(7))
                .containsEntry(":next", n(8));
        assertPlaceholdersMatch(update);
        dynamo.then(conditionFailed(Map.of()));
        assertThat(ledger.adopt("acct-1", 7, NEW_TOKENS, NOW)).isEmpty();
    }

    @Test
    void noteRescuePending_writesTheRescueTime_onlyWhileTheTokensAreTheVersionItWasRefreshedFrom() {
        dynamo.then(UpdateItemResponse.builder().build());

        ledger.noteRescuePending("acct-1", 4, NOW.minusSeconds(30));

        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.updateExpression()).isEqualTo("SET #rescue = :at");
        assertThat(update.conditionExpression()).isEqualTo("#ver = :base");
        assertThat(update.expressionAttributeNames())
                .containsEntry("#rescue", "rescue_pending_at")
                .containsEntry("#ver", "token_version");
        assertThat(update.expressionAttributeValues())
                .containsEntry(":at", n(NOW.minusSeconds(30).toEpochMilli()))
                .containsEntry(":base", n(4));
        assertPlaceholdersMatch(update);
        // newer tokens stand: the rescue is moot and nothing is noted, without an error
        dynamo.then(conditionFailed(Map.of()));
        ledger.noteRescuePending("acct-1", 4, NOW);
    }

    @Test
    void clearRescuePending_removesTheNote_onlyWhenItIsStillThatRescues() {
        dynamo.then(UpdateItemResponse.builder().build());

        ledger.clearRescuePending("acct-1", NOW.minusSeconds(30));

        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.updateExpression()).isEqualTo("REMOVE #rescue");
        assertThat(update.conditionExpression()).isEqualTo("#rescue = :at");
        assertThat(update.expressionAttributeValues())
                .containsEntry(":at", n(NOW.minusSeconds(30).toEpochMilli()));
        assertPlaceholdersMatch(update);
    }

    @Test
    void adopt_intoADeadAccount_saysItWasDead_fromTheItemAsTheSameWriteFoundIt() {
        dynamo.then(UpdateItemResponse.builder()
                .attributes(Map.of("requires_reauth", AttributeValue.fromBool(true)))
                .build());

        assertThat(ledger.adopt("acct-1", 7, NEW_TOKENS, NOW)).contains(new RefreshLedger.Adopted(8, true));

        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.returnValues()).isEqualTo(ReturnValue.UPDATED_OLD);
        assertThat(update.updateExpression())
                .contains("#reauth = :false")
                .contains("REMOVE")
                .contains("#reason");
    }

    @Test
    void markDead_setsTheMark_withTokensUntouched_onlyWhileTheLeaseHolds() {
        assertThat(ledger.markDead(LEASED, "invalid_grant", NOW)).isTrue();

        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.updateExpression())
                .isEqualTo(DynamoRefreshLedger.DEAD_UPDATE)
                .isEqualTo("SET #reauth = :true, #reason = :reason, #reasonAt = :now, #result = :dead"
                        + " REMOVE #bucket, #leaseUntil, #leaseOwner, #next");
        assertThat(update.conditionExpression()).isEqualTo(DynamoRefreshLedger.LEASE_HELD);
        assertThat(update.expressionAttributeValues())
                .containsEntry(":reason", s("invalid_grant"))
                .containsEntry(":base", n(4));
        assertThat(RecordingDynamo.attributesNamed(update.expressionAttributeNames(), update.updateExpression()))
                .doesNotContain("token_ciphertext", "token_version", "expires_at");
        assertPlaceholdersMatch(update);
        dynamo.then(conditionFailed(Map.of()));
        assertThat(ledger.markDead(LEASED, "invalid_grant", NOW)).isFalse();
    }

    @Test
    void recordFailure_ofA429_holdsEveryClaimBackUntilTheRetryTime() {
        ledger.recordFailure(LEASED, "throttled", NOW.plusSeconds(20), NOW);
        ledger.recordFailure(LEASED, "provider_error", NOW.plusSeconds(20), NOW);

        List<UpdateItemRequest> updates = dynamo.all(UpdateItemRequest.class);
        assertThat(updates.get(0).updateExpression())
                .isEqualTo("SET #failures = if_not_exists(#failures, :zero) + :one, #result = :result,"
                        + " #next = :retryAt, #throttled = :retryAt REMOVE #leaseUntil, #leaseOwner");
        assertThat(updates.get(0).expressionAttributeNames()).containsEntry("#throttled", "throttled_until");
        assertThat(updates.get(1).updateExpression()).doesNotContain("#throttled");
        updates.forEach(update -> assertPlaceholdersMatch(update));
    }

    @Test
    void recordFailure_countsInARow_andBacksOff_whileTheLeaseHolds() {
        dynamo.then(UpdateItemResponse.builder()
                .attributes(Map.of("refresh_failures", n(3)))
                .build());

        int failures = ledger.recordFailure(LEASED, "provider_error", NOW.plusSeconds(240), NOW);

        assertThat(failures).isEqualTo(3);
        UpdateItemRequest update = dynamo.only(UpdateItemRequest.class);
        assertThat(update.updateExpression())
                .isEqualTo(String.format(DynamoRefreshLedger.FAILURE_UPDATE, ""))
                .isEqualTo("SET #failures = if_not_exists(#failures, :zero) + :one, #result = :result,"
                        + " #next = :retryAt REMOVE #leaseUntil, #leaseOwner");
        assertThat(update.conditionExpression()).isEqualTo(DynamoRefreshLedger.LEASE_HELD);
        assertThat(update.expressionAttributeValues())
                .containsEntry(":retryAt", n(NOW.plusSeconds(240).toEpochMilli()))
                .containsEntry(":result", s("provider_error"));
        assertThat(update.returnValues()).isEqualTo(ReturnValue.UPDATED_NEW);
        assertPlaceholdersMatch(update);
        // the tokens moved meanwhile: this failure no longer describes the account
        dynamo.then(conditionFailed(Map.of()));
        assertThat(ledger.recordFailure(LEASED, "provider_error", NOW.plusSeconds(240), NOW))
                .isEqualTo(2);
    }

    @Test
    void noteAlert_addsToTheSet_andIgnoresADeletedAccount() {
        ledger.noteAlert("acct-1", "dead");
        dynamo.then(conditionFailed(Map.of()));
        ledger.noteAlert("acct-1", "dead");

        UpdateItemRequest update = dynamo.all(UpdateItemRequest.class).getFirst();
        assertThat(update.updateExpression())
                .isEqualTo("ADD #alerts :kind SET #recent = list_append(if_not_exists(#recent, :none), :entry)");
        assertThat(update.conditionExpression()).isEqualTo("attribute_exists(#id)");
        assertThat(update.expressionAttributeValues())
                .containsEntry(":kind", AttributeValue.fromSs(List.of("dead")))
                .containsEntry(":none", AttributeValue.fromL(List.of()));
        assertThat(update.expressionAttributeValues()
                        .get(":entry")
                        .l()
                        .getFirst()
                        .s())
                .matches("dead@\\d{13}");
        assertPlaceholdersMatch(update);
    }

    @Test
    void createImported_putsAVersionOneAccount_onlyUnderANewId() {
        ledger.createImported("acct-9", "imported", AccountMode.CONSOLE, OptionalLong.of(2), NEW_TOKENS, NOW);

        PutItemRequest put = dynamo.only(PutItemRequest.class);
        assertThat(put.conditionExpression()).isEqualTo("attribute_not_exists(#id)");
        assertThat(put.item())
                .containsEntry("id", s("acct-9"))
                .containsEntry("name", s("imported"))
                .containsEntry("account_mode", s("console"))
                .containsEntry("priority", n(2))
                .containsEntry("token_version", n(1))
                .containsEntry("requires_reauth", AttributeValue.fromBool(false))
                .containsEntry("refresh_bucket", s(RefreshBucket.of("acct-9", 4)));
        dynamo.then(conditionFailed(Map.of()));
        assertThatThrownBy(() -> ledger.createImported(
                        "acct-9", "imported", AccountMode.MAX, OptionalLong.empty(), NEW_TOKENS, NOW))
                .isInstanceOf(ReauthException.AccountExists.class);
    }

    @Test
    void everyCall_toAnUnreachableTable_isADependencyFailure_withoutAwsText() {
        List<Runnable> calls = List.of(
                () -> ledger.findDue(NOW),
                () -> ledger.claim("a", OptionalLong.empty(), "l", NOW, Duration.ofMinutes(2), Duration.ofSeconds(30)),
                () -> ledger.commit(LEASED, NEW_TOKENS, true, NOW),
                () -> ledger.adopt("a", 1, NEW_TOKENS, NOW),
                () -> ledger.markDead(LEASED, "invalid_grant", NOW),
                () -> ledger.recordFailure(LEASED, "x", NOW, NOW),
                () -> ledger.noteAlert("a", "dead"),
                () -> ledger.noteRescuePending("a", 1, NOW),
                () -> ledger.clearRescuePending("a", NOW),
                () -> ledger.sealed("a"),
                () -> ledger.createImported("a", "n", AccountMode.MAX, OptionalLong.empty(), NEW_TOKENS, NOW),
                () -> ledger.current("a", NOW));
        for (Runnable call : calls) {
            dynamo.then(unreachable());
            assertThatThrownBy(call::run)
                    .isInstanceOf(ReauthException.DependencyFailed.class)
                    .hasMessageNotContaining(AWS_TEXT);
        }
    }

    private RefreshClaim.Refused refusedClaim(Map<String, AttributeValue> old, OptionalLong expected) {
        dynamo.then(conditionFailed(old));
        RefreshClaim claim =
                ledger.claim("acct-1", expected, "lease-1", NOW, Duration.ofMinutes(2), Duration.ofSeconds(30));
        assertThat(claim).isInstanceOf(RefreshClaim.Refused.class);
        return (RefreshClaim.Refused) claim;
    }

    private static Map<String, AttributeValue> with(
            Map<String, AttributeValue> item, String name, AttributeValue value) {
        Map<String, AttributeValue> changed = new HashMap<>(item);
        changed.put(name, value);
        return changed;
    }
}
