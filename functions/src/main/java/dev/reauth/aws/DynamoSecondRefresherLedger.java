package dev.reauth.aws;

import static dev.reauth.aws.Attributes.bool;
import static dev.reauth.aws.Attributes.instant;
import static dev.reauth.aws.Attributes.millis;
import static dev.reauth.aws.Attributes.n;
import static dev.reauth.aws.Attributes.s;

import dev.reauth.domain.ReauthException;
import dev.reauth.refresh.LeasedAccount;
import dev.reauth.refresh.SecondRefresherLedger;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The accounts table for the second-refresher rules. Each write is one conditional UpdateItem on the
 * attributes named here only; the lease conditions are the refresher's own ({@link DynamoRefreshLedger}).
 */
public final class DynamoSecondRefresherLedger implements SecondRefresherLedger {

    static final String AGENT_SEEN = "SET #seen = :now";
    static final String RELEASE = "REMOVE #leaseUntil, #leaseOwner";
    static final String LEASE_HELD = DynamoRefreshLedger.LEASE_HELD;
    /** After a held verdict: the refused version, no live lease (a new claim would be a new story), not dead yet. */
    static final String DEAD_AFTER_HOLD_CONDITION =
            "#ver = :base AND (attribute_not_exists(#leaseUntil) OR #leaseUntil < :now)"
                    + " AND (attribute_not_exists(#reauth) OR #reauth = :false)";

    static final String DEAD_AFTER_HOLD =
            "SET #reauth = :true, #reason = :reason, #reasonAt = :now, #result = :dead" + " REMOVE #bucket, #next";
    static final String SECOND_REFRESHER_SEEN = "SET #seen = :now";
    static final String ADOPTION_ATTEMPTED = "SET #attempt = :now";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoSecondRefresherLedger(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public boolean agentSeen(String accountId, Instant now) {
        return update(
                accountId,
                AGENT_SEEN,
                "attribute_exists(#id)",
                Map.of("#seen", Accounts.AGENT_SEEN_AT, "#id", Accounts.ID),
                Map.of(":now", millis(now)));
    }

    @Override
    public Optional<Instant> agentSeenAt(String accountId) {
        try {
            Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table)
                            .key(Map.of(Accounts.ID, s(accountId)))
                            .consistentRead(true)
                            .projectionExpression("#seen")
                            .expressionAttributeNames(Map.of("#seen", Accounts.AGENT_SEEN_AT)))
                    .item();
            return item == null ? Optional.empty() : instant(item, Accounts.AGENT_SEEN_AT);
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    @Override
    public void adoptionAttempted(String accountId, Instant now) {
        update(
                accountId,
                ADOPTION_ATTEMPTED,
                "attribute_exists(#id)",
                Map.of("#attempt", Accounts.ADOPTION_ATTEMPT_AT, "#id", Accounts.ID),
                Map.of(":now", millis(now)));
    }

    @Override
    public Optional<Instant> adoptionAttemptedAt(String accountId) {
        try {
            Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table)
                            .key(Map.of(Accounts.ID, s(accountId)))
                            .consistentRead(true)
                            .projectionExpression("#attempt")
                            .expressionAttributeNames(Map.of("#attempt", Accounts.ADOPTION_ATTEMPT_AT)))
                    .item();
            return item == null ? Optional.empty() : instant(item, Accounts.ADOPTION_ATTEMPT_AT);
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    @Override
    public boolean releaseLease(LeasedAccount account) {
        return update(
                account.id(),
                RELEASE,
                LEASE_HELD,
                Map.of(
                        "#leaseUntil",
                        Accounts.REFRESH_LEASE_UNTIL,
                        "#leaseOwner",
                        Accounts.REFRESH_LEASE_OWNER,
                        "#ver",
                        Accounts.TOKEN_VERSION),
                Map.of(":base", n(account.tokenVersion()), ":owner", s(account.leaseOwner())));
    }

    @Override
    public boolean markDeadAfterHold(LeasedAccount account, String reason, Instant now) {
        return update(
                account.id(),
                DEAD_AFTER_HOLD,
                DEAD_AFTER_HOLD_CONDITION,
                Map.of(
                        "#reauth", Accounts.REQUIRES_REAUTH,
                        "#reason", Accounts.REAUTH_REASON,
                        "#reasonAt", Accounts.REAUTH_REQUIRED_AT,
                        "#result", Accounts.LAST_REFRESH_RESULT,
                        "#bucket", Accounts.REFRESH_BUCKET,
                        "#next", Accounts.NEXT_REFRESH_AT,
                        "#leaseUntil", Accounts.REFRESH_LEASE_UNTIL,
                        "#ver", Accounts.TOKEN_VERSION),
                Map.of(
                        ":true", bool(true),
                        ":false", bool(false),
                        ":reason", s(reason),
                        ":now", millis(now),
                        ":dead", s("dead"),
                        ":base", n(account.tokenVersion())));
    }

    @Override
    public boolean secondRefresherSeen(String accountId, Instant now, Duration quiet) {
        try {
            Map<String, AttributeValue> old = dynamo.updateItem(u -> u.tableName(table)
                            .key(Map.of(Accounts.ID, s(accountId)))
                            .updateExpression(SECOND_REFRESHER_SEEN)
                            .conditionExpression("attribute_exists(#id)")
                            .expressionAttributeNames(
                                    Map.of("#seen", Accounts.SECOND_REFRESHER_SEEN_AT, "#id", Accounts.ID))
                            .expressionAttributeValues(Map.of(":now", millis(now)))
                            .returnValues(ReturnValue.UPDATED_OLD))
                    .attributes();
            Optional<Instant> before = old == null ? Optional.empty() : instant(old, Accounts.SECOND_REFRESHER_SEEN_AT);
            return before.isEmpty() || before.get().isBefore(now.minus(quiet));
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    private boolean update(
            String accountId,
            String update,
            String condition,
            Map<String, String> names,
            Map<String, AttributeValue> values) {
        try {
            dynamo.updateItem(u -> u.tableName(table)
                    .key(Map.of(Accounts.ID, s(accountId)))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }
}
