package dev.reauth.agent;

import dev.reauth.wire.Schema.Accounts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Looks accounts up on the accounts table's name index (the fleet policy allows Query on its indexes). */
public final class DynamoAccountDirectory implements AccountDirectory {

    private final DynamoDbClient dynamo;
    private final String table;
    private final String nameIndex;

    public DynamoAccountDirectory(DynamoDbClient dynamo, String table, String nameIndex) {
        this.dynamo = dynamo;
        this.table = table;
        this.nameIndex = nameIndex;
    }

    @Override
    public Optional<Listing> byName(String name) {
        List<Map<String, AttributeValue>> items = dynamo.query(q -> q.tableName(table)
                        .indexName(nameIndex)
                        .keyConditionExpression("#n = :n")
                        .expressionAttributeNames(Map.of("#n", Accounts.NAME))
                        .expressionAttributeValues(Map.of(":n", AttributeValue.fromS(name))))
                .items();
        if (items.size() != 1) {
            return Optional.empty();
        }
        Map<String, AttributeValue> item = items.getFirst();
        AttributeValue version = item.get(Accounts.TOKEN_VERSION);
        return Optional.of(new Listing(
                item.get(Accounts.ID).s(), version == null || version.n() == null ? 0 : Long.parseLong(version.n())));
    }
}
