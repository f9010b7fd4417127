package dev.reauth.aws;

import static dev.reauth.aws.Attributes.n;
import static dev.reauth.aws.Attributes.s;

import dev.reauth.domain.ReauthException;
import dev.reauth.refresh.ProviderCallBudget;
import dev.reauth.wire.Schema.Sessions;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The stack-wide provider call budget as one counter item per second in the sessions table (the
 * stack's own table; the accounts table belongs to the fleet). Each call is one conditional
 * increment: it succeeds only while the second's count is below the budget, so concurrent
 * invocations never exceed it together. Keys carry a '#', so they never collide with a session's
 * state hash; the TTL removes a second's counter a few minutes on.
 */
public final class DynamoProviderCallBudget implements ProviderCallBudget {

    static final String CALLS = "provider_calls";
    static final String TAKE_UPDATE = "ADD #calls :one SET #ttl = :ttl";
    static final String TAKE_CONDITION = "attribute_not_exists(#calls) OR #calls < :limit";
    private static final long KEEP_SECONDS = 600;

    private final DynamoDbClient dynamo;
    private final String sessionsTable;
    private final int callsPerSecond;

    public DynamoProviderCallBudget(DynamoDbClient dynamo, String sessionsTable, int callsPerSecond) {
        if (callsPerSecond < 1) {
            throw new IllegalArgumentException("a budget allows at least one call per second");
        }
        this.dynamo = dynamo;
        this.sessionsTable = sessionsTable;
        this.callsPerSecond = callsPerSecond;
    }

    static String key(long epochSecond) {
        return "provider-calls#" + epochSecond;
    }

    @Override
    public boolean tryTake(long epochSecond) {
        try {
            dynamo.updateItem(u -> u.tableName(sessionsTable)
                    .key(Map.of(Sessions.STATE_HASH, s(key(epochSecond))))
                    .updateExpression(TAKE_UPDATE)
                    .conditionExpression(TAKE_CONDITION)
                    .expressionAttributeNames(Map.of("#calls", CALLS, "#ttl", Sessions.TTL))
                    .expressionAttributeValues(
                            Map.of(":one", n(1), ":limit", n(callsPerSecond), ":ttl", n(epochSecond + KEEP_SECONDS))));
            return true;
        } catch (ConditionalCheckFailedException full) {
            return false;
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The sessions table is unavailable", e);
        }
    }
}
