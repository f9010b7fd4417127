package dev.reauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A table encrypted with a customer managed key is usable only by principals that hold that key through
 * DynamoDB: DynamoDB uses the table key on each caller's behalf, so every role that reads or writes the
 * table needs kms:Decrypt, kms:Encrypt, kms:GenerateDataKey and kms:DescribeKey on it, under conditions a
 * call made by DynamoDB meets (kms:ViaService dynamodb.REGION.amazonaws.com). Without them the call fails
 * on AWS, never on an emulator (DynamoDB developer guide, "Encryption at rest: how it works").
 * Covers the template's tables and an existing accounts table given with ExistingAccountsTableKmsKeyArn.
 */
final class TableKeyAccessRule {

    /** The IAM actions that read or write a table's items (each makes DynamoDB use the table key). */
    static final List<String> TABLE_DATA_ACTIONS = List.of(
            "dynamodb:GetItem",
            "dynamodb:BatchGetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:PartiQLSelect",
            "dynamodb:PartiQLInsert",
            "dynamodb:PartiQLUpdate",
            "dynamodb:PartiQLDelete",
            "dynamodb:GetRecords");

    static final List<String> KEY_ACTIONS_THROUGH_DYNAMODB =
            List.of("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey");

    /** A table and the customer managed key that encrypts it. */
    record KeyedTable(String name, String arn, String keyArn) {}

    private TableKeyAccessRule() {}

    /** One line per principal and table it can use without the table key's permissions; empty when the rule holds. */
    static List<String> violations(ResolvedTemplate template) {
        List<KeyedTable> tables = customerManagedKeyTables(template);
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, List<JsonNode>> principal :
                IamPrincipals.of(template).entrySet()) {
            for (KeyedTable table : tables) {
                if (!usesTable(principal.getValue(), table)) {
                    continue;
                }
                List<String> missing = KEY_ACTIONS_THROUGH_DYNAMODB.stream()
                        .filter(action -> principal.getValue().stream()
                                .noneMatch(s -> grantsThroughDynamoDb(s, action, table.keyArn())))
                        .toList();
                if (!missing.isEmpty()) {
                    violations.add(principal.getKey() + " reads or writes " + table.name() + " (customer managed key "
                            + table.keyArn() + ") without " + String.join(", ", missing) + " through DynamoDB");
                }
            }
        }
        return violations;
    }

    /** The tables of this deployment encrypted with a customer managed key, the existing accounts table included. */
    static List<KeyedTable> customerManagedKeyTables(ResolvedTemplate template) {
        List<KeyedTable> tables = new ArrayList<>();
        template.resources().fields().forEachRemaining(r -> {
            if (!"AWS::DynamoDB::Table".equals(r.getValue().path("Type").asText())) {
                return;
            }
            JsonNode sse = r.getValue().path("Properties").path("SSESpecification");
            String key = sse.path("KMSMasterKeyId").asText("");
            if (!sse.path("SSEEnabled").asBoolean(false) || key.isEmpty() || key.matches("(.*:)?alias/aws/dynamodb")) {
                return; // AWS owned or AWS managed key: DynamoDB needs no grant from the caller
            }
            if (key.contains("alias/")) {
                throw new IllegalArgumentException(
                        r.getKey() + " names its key by alias: name it by id or ARN, so IAM can be checked");
            }
            String keyArn = key.startsWith("arn:")
                    ? key
                    : "arn:aws:kms:" + ResolvedTemplate.REGION + ":" + ResolvedTemplate.ACCOUNT + ":key/" + key;
            String name = template.resources()
                    .path(r.getKey())
                    .path("Properties")
                    .path("TableName")
                    .asText(r.getKey());
            tables.add(new KeyedTable(r.getKey(), tableArn(name), keyArn));
        });
        String existing = template.parameterOr("ExistingAccountsTableName", "");
        String existingKey = template.parameterOr("ExistingAccountsTableKmsKeyArn", "");
        if (!existing.isEmpty() && !existingKey.isEmpty()) {
            tables.add(new KeyedTable(existing, tableArn(existing), existingKey));
        }
        return tables;
    }

    private static String tableArn(String name) {
        return "arn:aws:dynamodb:" + ResolvedTemplate.REGION + ":" + ResolvedTemplate.ACCOUNT + ":table/" + name;
    }

    private static boolean usesTable(List<JsonNode> statements, KeyedTable table) {
        return statements.stream()
                .anyMatch(s -> IamPrincipals.allows(s)
                        && TABLE_DATA_ACTIONS.stream().anyMatch(a -> IamPrincipals.coversAction(s, a))
                        && IamPrincipals.resources(s).stream()
                                .anyMatch(r -> IamPrincipals.matches(r, table.arn(), false)
                                        || r.startsWith(table.arn() + "/")
                                        || IamPrincipals.matches(r, table.arn() + "/index/any", false)));
    }

    /** Whether the statement lets DynamoDB call {@code action} on the key for the caller. */
    private static boolean grantsThroughDynamoDb(JsonNode statement, String action, String keyArn) {
        return IamPrincipals.allows(statement)
                && IamPrincipals.coversAction(statement, action)
                && IamPrincipals.resources(statement).stream().anyMatch(r -> IamPrincipals.matches(r, keyArn, false))
                && conditionsMetByDynamoDb(statement.path("Condition"));
    }

    /** Conditions a call DynamoDB makes for the caller meets: none, or only kms:ViaService / kms:CallerAccount matching it. */
    private static boolean conditionsMetByDynamoDb(JsonNode condition) {
        String service = "dynamodb." + ResolvedTemplate.REGION + ".amazonaws.com";
        var operators = condition.fields();
        while (operators.hasNext()) {
            var operator = operators.next();
            boolean like = operator.getKey().equals("StringLike");
            if (!like && !operator.getKey().equals("StringEquals")) {
                return false;
            }
            var keys = operator.getValue().fields();
            while (keys.hasNext()) {
                var key = keys.next();
                String expected = key.getKey().equalsIgnoreCase("kms:ViaService")
                        ? service
                        : key.getKey().equalsIgnoreCase("kms:CallerAccount") ? ResolvedTemplate.ACCOUNT : null;
                if (expected == null
                        || ResolvedTemplate.list(key.getValue()).stream()
                                .noneMatch(v -> like
                                        ? IamPrincipals.matches(v.asText(), expected, false)
                                        : v.asText().equals(expected))) {
                    return false;
                }
            }
        }
        return true;
    }
}
