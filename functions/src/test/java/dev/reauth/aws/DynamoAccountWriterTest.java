package dev.reauth.aws;

import static dev.reauth.aws.DynamoSessionStoreTest.n;
import static dev.reauth.aws.DynamoSessionStoreTest.s;
import static dev.reauth.aws.RecordingDynamo.AWS_TEXT;
import static dev.reauth.aws.RecordingDynamo.cancelled;
import static dev.reauth.aws.RecordingDynamo.reason;
import static dev.reauth.aws.RecordingDynamo.unreachable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.domain.ClaimedSession;
import dev.reauth.domain.OAuthSession;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.SealedTokens;
import dev.reauth.domain.SessionIntent;
import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.CodeVerifier;
import dev.reauth.oauth.ProviderIdentity;
import dev.reauth.refresh.RefreshBucket;
import dev.reauth.wire.Schema.Accounts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.Update;

class DynamoAccountWriterTest {

    private static final Instant NOW = Instant.parse("2026-11-26T19:36:00Z");
    private static final Instant EXPIRES = NOW.plusSeconds(8 * 3600);
    private static final byte[] CIPHERTEXT = {1, 2, 3};
    private static final ProviderIdentity ALICE =
            new ProviderIdentity("uuid-alice", Optional.of("alice@example.com"), Optional.empty(), Optional.empty());

    private final RecordingDynamo dynamo = new RecordingDynamo();
    private final DynamoAccountWriter writer = new DynamoAccountWriter(dynamo, "accounts", "sessions", 4);

    @Test
    void rotateTokens_setsTokenAttributesOnly_comparingTheVersionAndTheIdentity_andConsumesTheSession() {
        // WHEN
        long version = writer.rotateTokens(claim(SessionIntent.REAUTH, 3, false), sealed(Optional.of(ALICE)), NOW);

        // THEN one transaction: the account update, then the session's consumption
        assertThat(version).isEqualTo(4);
        List<TransactWriteItem> items =
                dynamo.only(TransactWriteItemsRequest.class).transactItems();
        assertThat(items).hasSize(2);
        Update account = items.get(0).update();
        assertThat(account.tableName()).isEqualTo("accounts");
        assertThat(account.key()).isEqualTo(Map.of("id", s("acct-1")));
        assertThat(account.updateExpression())
                .isEqualTo(
                        "SET #ct = :ct, #exp = :exp, #ver = :next, #updated = :now,"
                                + " #issued = :now, #reauth = :false, #bucket = :bucket, #failures = :zero, #pAccount = :pAccount, #pEmail = :pEmail"
                                + " REMOVE #reason, #reasonAt, #next, #leaseUntil, #leaseOwner, #alerts, #expiringAlert, #onHold, #onHoldAt, #uncertain, #attention, #attentionAt, #rescue, #pOrg, #pOrgName, #rtExp");
        assertThat(account.conditionExpression())
                .isEqualTo(
                        "attribute_exists(#id) AND #ver = :base AND (attribute_not_exists(#pAccount) OR #pAccount = :pAccount)");
        assertThat(account.expressionAttributeNames())
                .containsEntry("#ct", "token_ciphertext")
                .containsEntry("#ver", "token_version")
                .containsEntry("#issued", "refresh_token_issued_at")
                .containsEntry("#bucket", "refresh_bucket")
                .containsEntry("#uncertain", Accounts.ROTATION_UNCERTAIN_AT)
                .containsEntry("#attention", Accounts.ATTENTION_REASON)
                .containsEntry("#attentionAt", Accounts.ATTENTION_AT)
                .containsEntry("#pAccount", "provider_account_uuid")
                .containsEntry("#pOrgName", "provider_organization_name")
                .containsEntry("#leaseOwner", "refresh_lease_owner")
                .containsEntry("#alerts", "refresh_alerts");
        assertThat(account.expressionAttributeValues())
                .isEqualTo(Map.of(
                        ":ct",
                        AttributeValue.fromB(SdkBytes.fromByteArray(CIPHERTEXT)),
                        ":exp",
                        n(EXPIRES.toEpochMilli()),
                        ":next",
                        n(4),
                        ":base",
                        n(3),
                        ":now",
                        n(NOW.toEpochMilli()),
                        ":false",
                        AttributeValue.fromBool(false),
                        ":zero",
                        n(0),
                        ":bucket",
                        s(RefreshBucket.of("acct-1", 4)),
                        ":pAccount",
                        s("uuid-alice"),
                        ":pEmail",
                        s("alice@example.com")));
        assertThat(account.returnValuesOnConditionCheckFailure())
                .isEqualTo(ReturnValuesOnConditionCheckFailure.ALL_OLD);
        assertThat(RecordingDynamo.attributesNamed(account.expressionAttributeNames(), account.updateExpression()))
                .as("a rotation touches the token, refresh and identity attributes only")
                .allMatch(a -> a.startsWith("token")
                        || a.startsWith("refresh")
                        || a.startsWith("provider")
                        || a.startsWith("reauth")
                        || a.startsWith("next_refresh")
                        || a.equals("expiring_alert_at")
                        || a.startsWith("on_hold")
                        || a.startsWith("attention")
                        || a.equals("rotation_uncertain_at")
                        || a.equals("rescue_pending_at")
                        || a.equals("expires_at")
                        || a.equals("requires_reauth"))
                .doesNotContain("priority", "request_count", "name", "id");

        Update consume = items.get(1).update();
        assertThat(consume.tableName()).isEqualTo("sessions");
        assertThat(consume.key()).isEqualTo(Map.of("state_hash", s("hash-of-state")));
        assertThat(consume.updateExpression())
                .isEqualTo(DynamoAccountWriter.CONSUME_EXPRESSION)
                .isEqualTo("SET #consumedAt = :now REMOVE #verifier, #leaseEnd");
        assertThat(consume.conditionExpression())
                .isEqualTo(DynamoAccountWriter.CONSUME_CONDITION)
                .isEqualTo("#claimId = :claimId AND attribute_not_exists(#consumedAt)");
        assertThat(consume.expressionAttributeNames())
                .isEqualTo(Map.of(
                        "#consumedAt",
                        "consumed_at",
                        "#verifier",
                        "code_verifier",
                        "#leaseEnd",
                        "claim_expires_at",
                        "#claimId",
                        "claim_id"));
        assertThat(consume.expressionAttributeValues())
                .isEqualTo(Map.of(":now", n(NOW.toEpochMilli()), ":claimId", s("claim-1")));
        items.forEach(RecordingDynamo::assertPlaceholdersMatch);
    }

    @Test
    void rotateTokens_storesTheRefreshTokenDeadline_andClearsTheExpiringAlertMark() {
        Instant deadline = NOW.plus(java.time.Duration.ofDays(29));
        writer.rotateTokens(
                claim(SessionIntent.REAUTH, 3, false),
                new SealedTokens(CIPHERTEXT, EXPIRES, Optional.of(ALICE), Optional.of(deadline)),
                NOW);

        Update account = accountUpdate(0);
        assertThat(account.updateExpression())
                .contains(", #rtExp = :rtExp REMOVE ")
                .contains("#expiringAlert")
                .doesNotContain("#rtExp,")
                .doesNotEndWith("#rtExp");
        assertThat(account.expressionAttributeNames())
                .containsEntry("#rtExp", "refresh_token_expires_at")
                .containsEntry("#expiringAlert", "expiring_alert_at");
        assertThat(account.expressionAttributeValues()).containsEntry(":rtExp", n(deadline.toEpochMilli()));
        RecordingDynamo.assertPlaceholdersMatch(
                dynamo.only(TransactWriteItemsRequest.class).transactItems().get(0));
    }

    @Test
    void rotateTokens_ofAnAccountWithoutAVersion_acceptsOneWithNoneYet() {
        writer.rotateTokens(claim(SessionIntent.REAUTH, 0, false), sealed(Optional.of(ALICE)), NOW);

        assertThat(accountUpdate(0).conditionExpression())
                .startsWith("attribute_exists(#id) AND (attribute_not_exists(#ver) OR #ver = :base)");
    }

    @Test
    void rotateTokens_withoutANamedIdentity_requiresAnUnboundAccount() {
        writer.rotateTokens(claim(SessionIntent.REAUTH, 3, false), sealed(Optional.empty()), NOW);

        Update account = accountUpdate(0);
        assertThat(account.conditionExpression())
                .isEqualTo("attribute_exists(#id) AND #ver = :base AND attribute_not_exists(#pAccount)");
        assertThat(account.updateExpression())
                .doesNotContain(":pAccount")
                .endsWith(
                        "REMOVE #reason, #reasonAt, #next, #leaseUntil, #leaseOwner, #alerts, #expiringAlert, #onHold, #onHoldAt, #uncertain, #attention, #attentionAt, #rescue, #rtExp");
        RecordingDynamo.assertPlaceholdersMatch(
                dynamo.only(TransactWriteItemsRequest.class).transactItems().get(0));
    }

    @Test
    void rotateTokens_withAccountChangeAllowed_andNoIdentity_dropsTheBinding_withoutConditionOnIt() {
        writer.rotateTokens(claim(SessionIntent.REAUTH, 3, true), sealed(Optional.empty()), NOW);

        Update account = accountUpdate(0);
        assertThat(account.conditionExpression()).isEqualTo("attribute_exists(#id) AND #ver = :base");
        assertThat(account.updateExpression())
                .endsWith(
                        "REMOVE #reason, #reasonAt, #next, #leaseUntil, #leaseOwner, #alerts, #expiringAlert, #onHold, #onHoldAt, #uncertain, #attention, #attentionAt, #rescue,"
                                + " #pAccount, #pEmail, #pOrg, #pOrgName, #rtExp");
        RecordingDynamo.assertPlaceholdersMatch(
                dynamo.only(TransactWriteItemsRequest.class).transactItems().get(0));
    }

    @Test
    void rotateTokens_whenTheVersionMoved_writesAgainOnTopOfIt() {
        // GIVEN a proxy-side rotation moved the account to version 5 meanwhile
        dynamo.then(cancelled(
                reason("ConditionalCheckFailed", Map.of("id", s("acct-1"), "token_version", n(5))), reason("None")));

        // WHEN
        long version = writer.rotateTokens(claim(SessionIntent.REAUTH, 3, false), sealed(Optional.of(ALICE)), NOW);

        // THEN
        assertThat(version).isEqualTo(6);
        assertThat(dynamo.requests).hasSize(2);
        assertThat(accountUpdate(1).expressionAttributeValues())
                .containsEntry(":base", n(5))
                .containsEntry(":next", n(6));
    }

    @Test
    void rotateTokens_onTheSameVersion_refusedByTheIdentityCondition_isAnAccountMismatch() {
        dynamo.then(cancelled(
                reason(
                        "ConditionalCheckFailed",
                        Map.of(
                                "id",
                                s("acct-1"),
                                "token_version",
                                n(3),
                                "provider_account_uuid",
                                s("uuid-bob"),
                                "provider_email",
                                s("bob@example.com"))),
                reason("None")));

        assertThatThrownBy(() ->
                        writer.rotateTokens(claim(SessionIntent.REAUTH, 3, false), sealed(Optional.of(ALICE)), NOW))
                .isInstanceOf(ReauthException.AccountMismatch.class)
                .hasMessageContaining("bob@example.com")
                .hasMessageContaining("alice@example.com")
                .hasMessageContaining("Nothing was written");
        assertThat(dynamo.requests).hasSize(1);
    }

    @Test
    void rotateTokens_ofADeletedAccount_isAccountNotFound() {
        dynamo.then(cancelled(reason("ConditionalCheckFailed", Map.of()), reason("None")));

        assertThatThrownBy(() ->
                        writer.rotateTokens(claim(SessionIntent.REAUTH, 3, false), sealed(Optional.of(ALICE)), NOW))
                .isInstanceOf(ReauthException.AccountNotFound.class);
    }

    @Test
    void rotateTokens_whoseSessionWasTakenOver_isSessionUsed() {
        dynamo.then(cancelled(reason("None"), reason("ConditionalCheckFailed")));

        assertThatThrownBy(() ->
                        writer.rotateTokens(claim(SessionIntent.REAUTH, 3, false), sealed(Optional.of(ALICE)), NOW))
                .isInstanceOf(ReauthException.SessionUsed.class);
    }

    @Test
    void rotateTokens_retriesTransactionConflicts_fiveTimesAtMost() {
        for (int i = 0; i < 6; i++) {
            dynamo.then(cancelled(reason("TransactionConflict"), reason("None")));
        }

        assertThatThrownBy(() ->
                        writer.rotateTokens(claim(SessionIntent.REAUTH, 3, false), sealed(Optional.of(ALICE)), NOW))
                .isInstanceOf(ReauthException.DependencyFailed.class)
                .hasMessageNotContaining(AWS_TEXT);
        assertThat(dynamo.requests).hasSize(5);
    }

    @Test
    void rotateTokens_unreachableTable_isADependencyFailure() {
        dynamo.then(unreachable());

        assertThatThrownBy(() ->
                        writer.rotateTokens(claim(SessionIntent.REAUTH, 3, false), sealed(Optional.of(ALICE)), NOW))
                .isInstanceOf(ReauthException.DependencyFailed.class)
                .hasMessageNotContaining(AWS_TEXT);
    }

    @Test
    void createAccount_putsANewItem_consumesTheSession_andChecksTheNameIsStillReserved() {
        long version = writer.createAccount(claim(SessionIntent.ADD, 0, true), sealed(Optional.of(ALICE)), NOW);

        assertThat(version).isEqualTo(1);
        List<TransactWriteItem> items =
                dynamo.only(TransactWriteItemsRequest.class).transactItems();
        assertThat(items).hasSize(3);
        var put = items.get(0).put();
        assertThat(put.tableName()).isEqualTo("accounts");
        assertThat(put.conditionExpression()).isEqualTo("attribute_not_exists(#id)");
        assertThat(put.item())
                .isEqualTo(Map.ofEntries(
                        Map.entry("id", s("acct-1")),
                        Map.entry("name", s("work")),
                        Map.entry("account_mode", s("max")),
                        Map.entry("created_at", n(NOW.toEpochMilli())),
                        Map.entry("priority", n(0)),
                        Map.entry("token_ciphertext", AttributeValue.fromB(SdkBytes.fromByteArray(CIPHERTEXT))),
                        Map.entry("expires_at", n(EXPIRES.toEpochMilli())),
                        Map.entry("token_version", n(1)),
                        Map.entry("tokens_updated_at", n(NOW.toEpochMilli())),
                        Map.entry("refresh_token_issued_at", n(NOW.toEpochMilli())),
                        Map.entry("requires_reauth", AttributeValue.fromBool(false)),
                        Map.entry("refresh_bucket", s(RefreshBucket.of("acct-1", 4))),
                        Map.entry("provider_account_uuid", s("uuid-alice")),
                        Map.entry("provider_email", s("alice@example.com"))));
        assertThat(items.get(1).update().conditionExpression()).isEqualTo(DynamoAccountWriter.CONSUME_CONDITION);
        var reserved = items.get(2).conditionCheck();
        assertThat(reserved.tableName()).isEqualTo("sessions");
        assertThat(reserved.key()).isEqualTo(Map.of("state_hash", s("name-reservation#work")));
        assertThat(reserved.conditionExpression()).isEqualTo("#reservedBy = :stateHash");
        assertThat(reserved.expressionAttributeValues()).isEqualTo(Map.of(":stateHash", s("hash-of-state")));
        items.forEach(RecordingDynamo::assertPlaceholdersMatch);
    }

    @Test
    void createAccount_refusals_areTranslatedByWhichItemFailed() {
        assertThat(createFailure(cancelled(reason("ConditionalCheckFailed"), reason("None"), reason("None"))))
                .isInstanceOf(ReauthException.AccountExists.class)
                .hasMessageContaining("id");
        assertThat(createFailure(cancelled(reason("None"), reason("ConditionalCheckFailed"), reason("None"))))
                .isInstanceOf(ReauthException.SessionUsed.class);
        assertThat(createFailure(cancelled(reason("None"), reason("None"), reason("ConditionalCheckFailed"))))
                .isInstanceOf(ReauthException.AccountExists.class)
                .hasMessageContaining("reserved by another add");
        assertThat(createFailure(cancelled(reason("ThrottlingError"), reason("None"), reason("None"))))
                .isInstanceOf(ReauthException.DependencyFailed.class)
                .hasMessageNotContaining(AWS_TEXT);
        assertThat(createFailure(unreachable()))
                .isInstanceOf(ReauthException.DependencyFailed.class)
                .hasMessageNotContaining(AWS_TEXT);
    }

    private ReauthException createFailure(RuntimeException answer) {
        dynamo.then(answer);
        try {
            writer.createAccount(claim(SessionIntent.ADD, 0, true), sealed(Optional.of(ALICE)), NOW);
        } catch (ReauthException e) {
            return e;
        }
        throw new AssertionError("the create was not refused");
    }

    private Update accountUpdate(int request) {
        return ((TransactWriteItemsRequest) dynamo.requests.get(request))
                .transactItems()
                .get(0)
                .update();
    }

    private static ClaimedSession claim(SessionIntent intent, long baseVersion, boolean allowAccountChange) {
        return new ClaimedSession(
                new OAuthSession(
                        "hash-of-state",
                        intent,
                        "acct-1",
                        "work",
                        AccountMode.MAX,
                        new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
                        "https://example.com/cb",
                        Optional.empty(),
                        NOW.minusSeconds(60),
                        NOW.plusSeconds(540),
                        baseVersion,
                        allowAccountChange,
                        false),
                "claim-1");
    }

    private static SealedTokens sealed(Optional<ProviderIdentity> identity) {
        return new SealedTokens(CIPHERTEXT, EXPIRES, identity);
    }
}
