package dev.reauth.fleet;

import dev.reauth.wire.Schema.Accounts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * Reads token attributes from the accounts table: the fleet's role needs only read access to it.
 * Token reads are consistent, so a flush announced for version N reads N; version checks read
 * token_version alone, 100 accounts a call.
 */
public final class DynamoAccountTokensReader implements AccountTokensReader {

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoAccountTokensReader(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Optional<StoredTokens> read(String accountId) {
        try {
            return readItem(accountId);
        } catch (SdkException e) {
            throw new FleetException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    @Override
    public Optional<AccountFacts> facts(String accountId) {
        try {
            return readFacts(accountId);
        } catch (SdkException e) {
            throw new FleetException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    @Override
    public Map<String, Long> versions(Collection<String> accountIds) {
        try {
            return readVersions(accountIds);
        } catch (SdkException e) {
            throw new FleetException.DependencyFailed("The accounts table is unavailable", e);
        }
    }

    private Optional<StoredTokens> readItem(String accountId) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table)
                        .consistentRead(true)
                        .key(Map.of(Accounts.ID, AttributeValue.fromS(accountId)))
                        .projectionExpression("#ct, #v, #exp, #reauth, #reason")
                        .expressionAttributeNames(Map.of(
                                "#ct",
                                Accounts.TOKEN_CIPHERTEXT,
                                "#v",
                                Accounts.TOKEN_VERSION,
                                "#exp",
                                Accounts.EXPIRES_AT,
                                "#reauth",
                                Accounts.REQUIRES_REAUTH,
                                "#reason",
                                Accounts.REAUTH_REASON)))
                .item();
        if (item == null || !item.containsKey(Accounts.TOKEN_CIPHERTEXT)) {
            return Optional.empty();
        }
        return Optional.of(new StoredTokens(
                number(item.get(Accounts.TOKEN_VERSION)),
                item.get(Accounts.TOKEN_CIPHERTEXT).b().asByteArray(),
                Instant.ofEpochMilli(number(item.get(Accounts.EXPIRES_AT))),
                reauthRequired(item)));
    }

    private Optional<AccountFacts> readFacts(String accountId) {
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table)
                        .consistentRead(true)
                        .key(Map.of(Accounts.ID, AttributeValue.fromS(accountId)))
                        .projectionExpression("#id, #n, #v, #reauth, #hold")
                        .expressionAttributeNames(Map.of(
                                "#id",
                                Accounts.ID,
                                "#n",
                                Accounts.NAME,
                                "#v",
                                Accounts.TOKEN_VERSION,
                                "#reauth",
                                Accounts.REQUIRES_REAUTH,
                                "#hold",
                                Accounts.ON_HOLD)))
                .item();
        if (item == null || !item.containsKey(Accounts.ID)) {
            return Optional.empty();
        }
        AttributeValue name = item.get(Accounts.NAME);
        return Optional.of(new AccountFacts(
                accountId,
                name != null && name.s() != null ? name.s() : "",
                number(item.get(Accounts.TOKEN_VERSION)),
                isTrue(item.get(Accounts.REQUIRES_REAUTH)),
                isTrue(item.get(Accounts.ON_HOLD))));
    }

    private static boolean isTrue(AttributeValue flag) {
        return flag != null && Boolean.TRUE.equals(flag.bool());
    }

    private static Optional<String> reauthRequired(Map<String, AttributeValue> item) {
        if (!isTrue(item.get(Accounts.REQUIRES_REAUTH))) {
            return Optional.empty();
        }
        AttributeValue reason = item.get(Accounts.REAUTH_REASON);
        return Optional.of(reason != null && reason.s() != null ? reason.s() : "marked in the accounts table");
    }

    private Map<String, Long> readVersions(Collection<String> accountIds) {
        Map<String, Long> versions = new HashMap<>();
        List<String> ids = new ArrayList<>(accountIds);
        for (int from = 0; from < ids.size(); from += 100) {
            List<Map<String, AttributeValue>> keys = ids.subList(from, Math.min(from + 100, ids.size())).stream()
                    .map(id -> Map.of(Accounts.ID, AttributeValue.fromS(id)))
                    .toList();
            Map<String, KeysAndAttributes> request = Map.of(
                    table,
                    KeysAndAttributes.builder()
                            .keys(keys)
                            .projectionExpression("#id, #v")
                            .expressionAttributeNames(Map.of("#id", Accounts.ID, "#v", Accounts.TOKEN_VERSION))
                            .build());
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> ask = request;
                BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(ask));
                response.responses()
                        .getOrDefault(table, List.of())
                        .forEach(item ->
                                versions.put(item.get(Accounts.ID).s(), number(item.get(Accounts.TOKEN_VERSION))));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        return versions;
    }

    private static long number(AttributeValue value) {
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }
}
