package dev.reauth.aws;

import static dev.reauth.aws.Attributes.bool;
import static dev.reauth.aws.Attributes.instant;
import static dev.reauth.aws.Attributes.millis;
import static dev.reauth.aws.Attributes.s;
import static dev.reauth.aws.Attributes.string;

import dev.reauth.domain.ReauthException;
import dev.reauth.refresh.RefreshBucket;
import dev.reauth.refresh.RefreshTokenDeadlines;
import dev.reauth.wire.Schema.Accounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Refresh-token deadlines on the accounts table's sparse deadline index (partition
 * {@code refresh_bucket}, sort {@code refresh_token_expires_at}): only accounts reauth keeps alive
 * that have a deadline are in it, and the key condition reads the ones within the warning window
 * and nothing else, so a run costs what is expiring, not the fleet (no scan, no read of healthy accounts).
 */
public final class DynamoRefreshTokenDeadlines implements RefreshTokenDeadlines {

    static final String KEY_CONDITION = "#bucket = :bucket AND #rtExp <= :horizon";
    static final String NOT_WARNED_SINCE = "attribute_not_exists(#warnedAt) OR #warnedAt <= :warnedBefore";
    /** Still kept alive (in the refresh index), still this deadline, alive, and not warned about today. */
    static final String CLAIM_CONDITION = "attribute_exists(#bucket) AND #rtExp = :deadline"
            + " AND (attribute_not_exists(#reauth) OR #reauth = :false) AND (" + NOT_WARNED_SINCE + ")";

    private final DynamoDbClient dynamo;
    private final String table;
    private final String deadlineIndex;
    private final int buckets;

    public DynamoRefreshTokenDeadlines(DynamoDbClient dynamo, String table, String deadlineIndex, int buckets) {
        this.dynamo = dynamo;
        this.table = table;
        this.deadlineIndex = deadlineIndex;
        this.buckets = buckets;
    }

    @Override
    public List<ExpiringAccount> findExpiring(Instant horizon, Instant warnedBefore) {
        List<ExpiringAccount> expiring = new ArrayList<>();
        try {
            for (String bucket : RefreshBucket.all(buckets)) {
                Map<String, AttributeValue> startKey = null;
                do {
                    Map<String, AttributeValue> from = startKey;
                    QueryResponse page = dynamo.query(q -> q.tableName(table)
                            .indexName(deadlineIndex)
                            .keyConditionExpression(KEY_CONDITION)
                            .filterExpression(NOT_WARNED_SINCE)
                            .projectionExpression("#id, #name, #rtExp")
                            .expressionAttributeNames(Map.of(
                                    "#bucket", Accounts.REFRESH_BUCKET,
                                    "#rtExp", Accounts.REFRESH_TOKEN_EXPIRES_AT,
                                    "#warnedAt", Accounts.EXPIRING_ALERT_AT,
                                    "#id", Accounts.ID,
                                    "#name", Accounts.NAME))
                            .expressionAttributeValues(Map.of(
                                    ":bucket", s(bucket),
                                    ":horizon", millis(horizon),
                                    ":warnedBefore", millis(warnedBefore)))
                            .exclusiveStartKey(from));
                    for (Map<String, AttributeValue> item : page.items()) {
                        expiring.add(new ExpiringAccount(
                                Attributes.requiredString(item, Accounts.ID),
                                string(item, Accounts.NAME).orElse(""),
                                instant(item, Accounts.REFRESH_TOKEN_EXPIRES_AT).orElseThrow()));
                    }
                    startKey = page.hasLastEvaluatedKey()
                                    && !page.lastEvaluatedKey().isEmpty()
                            ? page.lastEvaluatedKey()
                            : null;
                } while (startKey != null);
            }
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table's deadline index is unavailable", e);
        }
        return expiring;
    }

    @Override
    public Optional<ClaimedWarning> claimWarning(
            String accountId, Instant deadline, Instant warnedBefore, Instant now) {
        try {
            // the item as written, so the warning states the access token's expiry as of the claim
            UpdateItemResponse claimed = dynamo.updateItem(u -> u.tableName(table)
                    .key(Map.of(Accounts.ID, s(accountId)))
                    .updateExpression("SET #warnedAt = :now")
                    .conditionExpression(CLAIM_CONDITION)
                    .expressionAttributeNames(Map.of(
                            "#bucket", Accounts.REFRESH_BUCKET,
                            "#rtExp", Accounts.REFRESH_TOKEN_EXPIRES_AT,
                            "#reauth", Accounts.REQUIRES_REAUTH,
                            "#warnedAt", Accounts.EXPIRING_ALERT_AT))
                    .expressionAttributeValues(Map.of(
                            ":deadline", millis(deadline),
                            ":false", bool(false),
                            ":warnedBefore", millis(warnedBefore),
                            ":now", millis(now)))
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(new ClaimedWarning(instant(claimed.attributes(), Accounts.EXPIRES_AT)));
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    @Override
    public void releaseWarning(String accountId, Instant claimedAt) {
        try {
            dynamo.updateItem(u -> u.tableName(table)
                    .key(Map.of(Accounts.ID, s(accountId)))
                    .updateExpression("REMOVE #warnedAt")
                    .conditionExpression("#warnedAt = :claimedAt")
                    .expressionAttributeNames(Map.of("#warnedAt", Accounts.EXPIRING_ALERT_AT))
                    .expressionAttributeValues(Map.of(":claimedAt", millis(claimedAt))));
        } catch (ConditionalCheckFailedException moved) {
            // another run warned or a re-authentication cleared it: nothing to give back
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }
}
