package dev.reauth.aws;

import static dev.reauth.aws.Attributes.millis;
import static dev.reauth.aws.Attributes.n;
import static dev.reauth.aws.Attributes.s;

import dev.reauth.domain.ReauthException;
import dev.reauth.refresh.StackWideAlerts;
import dev.reauth.wire.Schema.Sessions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The stack-wide alerts' once-a-day marks, as items of the sessions table (the stack's own table:
 * the accounts table belongs to the fleet). Keys carry a '#', so they never collide with a session's
 * state hash; the TTL removes a mark two days on.
 */
public final class DynamoStackAlertMarks implements StackWideAlerts.Marks {

    static final String CLAIM_CONDITION = "attribute_not_exists(#key) OR #createdAt <= :claimedBefore";

    private final DynamoDbClient dynamo;
    private final String sessionsTable;

    public DynamoStackAlertMarks(DynamoDbClient dynamo, String sessionsTable) {
        this.dynamo = dynamo;
        this.sessionsTable = sessionsTable;
    }

    static String key(String kind) {
        return "stack-alert#" + kind;
    }

    @Override
    public boolean claim(String kind, Instant claimedBefore, Instant now) {
        try {
            dynamo.putItem(p -> p.tableName(sessionsTable)
                    .item(Map.of(
                            Sessions.STATE_HASH, s(key(kind)),
                            Sessions.CREATED_AT, millis(now),
                            Sessions.TTL, n(now.plus(Duration.ofDays(2)).getEpochSecond())))
                    .conditionExpression(CLAIM_CONDITION)
                    .expressionAttributeNames(Map.of("#key", Sessions.STATE_HASH, "#createdAt", Sessions.CREATED_AT))
                    .expressionAttributeValues(Map.of(":claimedBefore", millis(claimedBefore))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The sessions table is unavailable", e);
        }
    }
}
