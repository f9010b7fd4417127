package dev.reauth.aws;

import static dev.reauth.aws.Attributes.millis;
import static dev.reauth.aws.Attributes.n;
import static dev.reauth.aws.Attributes.number;
import static dev.reauth.aws.Attributes.s;
import static dev.reauth.aws.Attributes.string;

import dev.reauth.domain.ReauthException;
import dev.reauth.refresh.AdoptionLedger;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Adoption's rate limit on the account's own item: a fixed window ({@code adoption_window_at}) and a
 * count ({@code adoption_count}), each attempt one conditional UpdateItem on those two attributes only,
 * whose answer also carries the token version and the bound identity the adoption is checked against.
 */
public final class DynamoAdoptionLedger implements AdoptionLedger {

    /** Another attempt inside the open window, below the limit. */
    static final String COUNT = "SET #count = #count + :one";

    static final String COUNT_CONDITION = "attribute_exists(#id) AND #windowAt > :windowOpen AND #count < :limit";
    /** The first attempt after the window closed (or ever) opens a new one. */
    static final String OPEN = "SET #windowAt = :now, #count = :one";

    static final String OPEN_CONDITION =
            "attribute_exists(#id) AND (attribute_not_exists(#windowAt) OR #windowAt <= :windowOpen)";

    /** Two attempts racing to open a window: the loser counts in the winner's. */
    private static final int ATTEMPTS = 3;

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoAdoptionLedger(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Admission admit(String accountId, int limit, Duration window, Instant now) {
        Map<String, String> names =
                Map.of("#id", Accounts.ID, "#windowAt", Accounts.ADOPTION_WINDOW_AT, "#count", Accounts.ADOPTION_COUNT);
        Map<String, AttributeValue> counted =
                Map.of(":one", n(1), ":windowOpen", millis(now.minus(window)), ":limit", n(limit));
        Map<String, AttributeValue> opened =
                Map.of(":one", n(1), ":windowOpen", millis(now.minus(window)), ":now", millis(now));
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Map<String, AttributeValue> item = update(accountId, COUNT, COUNT_CONDITION, names, counted);
            if (item == null) {
                item = update(accountId, OPEN, OPEN_CONDITION, names, opened);
            }
            if (item != null) {
                return new Admission.Admitted(
                        number(item, Accounts.TOKEN_VERSION).orElse(0L), string(item, Accounts.PROVIDER_ACCOUNT_UUID));
            }
            Map<String, AttributeValue> current = read(accountId);
            if (current == null || current.isEmpty()) {
                throw new ReauthException.AccountNotFound("No account with id '" + accountId + "'");
            }
            long windowAt = number(current, Accounts.ADOPTION_WINDOW_AT).orElse(0L);
            long count = number(current, Accounts.ADOPTION_COUNT).orElse(0L);
            Instant reopens = Instant.ofEpochMilli(windowAt).plus(window);
            if (count >= limit && reopens.isAfter(now)) {
                return new Admission.Limited(Duration.between(now, reopens));
            }
            // the window opened or closed between the two writes: count again
        }
        return new Admission.Limited(Duration.ofSeconds(1));
    }

    /** The item after the update, or null when the condition did not hold. */
    private Map<String, AttributeValue> update(
            String accountId,
            String update,
            String condition,
            Map<String, String> names,
            Map<String, AttributeValue> values) {
        try {
            return dynamo.updateItem(u -> u.tableName(table)
                            .key(Map.of(Accounts.ID, s(accountId)))
                            .updateExpression(update)
                            .conditionExpression(condition)
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values)
                            .returnValues(ReturnValue.ALL_NEW))
                    .attributes();
        } catch (ConditionalCheckFailedException e) {
            return null;
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    private Map<String, AttributeValue> read(String accountId) {
        try {
            return dynamo.getItem(g -> g.tableName(table)
                            .key(Map.of(Accounts.ID, s(accountId)))
                            .consistentRead(true)
                            .projectionExpression("#id, #windowAt, #count")
                            .expressionAttributeNames(Map.of(
                                    "#id",
                                    Accounts.ID,
                                    "#windowAt",
                                    Accounts.ADOPTION_WINDOW_AT,
                                    "#count",
                                    Accounts.ADOPTION_COUNT)))
                    .item();
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The accounts table is unavailable", e);
        }
    }
}
