package dev.reauth.recorder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/**
 * What IAM authorizes for one SDK request. A DynamoDB transaction is authorized item by item (each Put, Update,
 * Delete and ConditionCheck as PutItem, UpdateItem, DeleteItem, ConditionCheckItem on its table); a read's
 * projection becomes {@code dynamodb:Attributes} and {@code dynamodb:Select} (SPECIFIC_ATTRIBUTES with a
 * projection, ALL_ATTRIBUTES without one); a KMS request's encryption context becomes
 * {@code kms:EncryptionContext:*} and {@code kms:EncryptionContextKeys}. Reads the request's fields by their
 * wire names, so it needs no service module.
 */
final class IamRequests {

    static final String REGION = "{region}";
    static final String ACCOUNT = "{account}";

    private IamRequests() {}

    static List<AwsCall> of(String caller, String service, String operation, SdkPojo request) {
        return switch (service.toLowerCase(Locale.ROOT)) {
            case "dynamodb" -> dynamo(caller, operation, request);
            case "kms" -> List.of(kms(caller, operation, request));
            case "sns" ->
                List.of(new AwsCall(caller, "sns:" + operation, anywhere(text(request, "TopicArn")), Map.of()));
            case "sqs" -> List.of(sqs(caller, operation, request));
            case "cloudformation" -> {
                // the CLI's --stack: DescribeStacks on the named stack (any stack id)
                String stack = text(request, "StackName");
                yield List.of(new AwsCall(
                        caller,
                        "cloudformation:" + operation,
                        stack == null
                                ? "*"
                                : "arn:aws:cloudformation:" + REGION + ":" + ACCOUNT + ":stack/" + stack + "/*",
                        Map.of()));
            }
            default -> List.of(new AwsCall(caller, service.toLowerCase() + ":" + operation, "*", Map.of()));
        };
    }

    private static List<AwsCall> dynamo(String caller, String operation, SdkPojo request) {
        List<AwsCall> calls = new ArrayList<>();
        switch (operation) {
            case "TransactWriteItems" -> {
                for (Object item : list(request, "TransactItems")) {
                    for (String kind : List.of("Put", "Update", "Delete", "ConditionCheck")) {
                        Object part = field((SdkPojo) item, kind);
                        if (part != null) {
                            String action = "dynamodb:" + kind + "Item";
                            calls.add(new AwsCall(
                                    caller,
                                    action,
                                    table(text((SdkPojo) part, "TableName"), null),
                                    writeContext((SdkPojo) part)));
                        }
                    }
                }
            }
            case "TransactGetItems" -> {
                for (Object item : list(request, "TransactItems")) {
                    SdkPojo get = (SdkPojo) field((SdkPojo) item, "Get");
                    calls.add(new AwsCall(
                            caller, "dynamodb:GetItem", table(text(get, "TableName"), null), readContext(get)));
                }
            }
            case "BatchGetItem", "BatchWriteItem" -> {
                Object items = field(request, "RequestItems");
                if (items instanceof Map<?, ?> byTable) {
                    for (Map.Entry<?, ?> entry : byTable.entrySet()) {
                        Map<String, List<String>> context =
                                operation.equals("BatchGetItem") && entry.getValue() instanceof SdkPojo keys
                                        ? readContext(keys)
                                        : Map.of();
                        calls.add(new AwsCall(
                                caller, "dynamodb:" + operation, table((String) entry.getKey(), null), context));
                    }
                }
            }
            default -> {
                Map<String, List<String>> context = switch (operation) {
                    case "GetItem", "Query", "Scan" -> readContext(request);
                    case "PutItem", "UpdateItem", "DeleteItem" -> writeContext(request);
                    default -> Map.of();
                };
                calls.add(new AwsCall(
                        caller,
                        "dynamodb:" + operation,
                        table(text(request, "TableName"), text(request, "IndexName")),
                        context));
            }
        }
        return calls;
    }

    private static Map<String, List<String>> readContext(SdkPojo read) {
        Map<String, List<String>> context = new LinkedHashMap<>();
        String projection = text(read, "ProjectionExpression");
        String select = text(read, "Select");
        if (projection != null) {
            Object names = field(read, "ExpressionAttributeNames");
            Set<String> attributes = new LinkedHashSet<>();
            for (String path : projection.split(",")) {
                String top = path.strip().split("[.\\[]", 2)[0];
                attributes.add(
                        names instanceof Map<?, ?> aliases && aliases.containsKey(top)
                                ? (String) aliases.get(top)
                                : top);
            }
            context.put("dynamodb:Attributes", List.copyOf(attributes));
        }
        context.put(
                "dynamodb:Select",
                List.of(select != null ? select : projection != null ? "SPECIFIC_ATTRIBUTES" : "ALL_ATTRIBUTES"));
        return context;
    }

    private static Map<String, List<String>> writeContext(SdkPojo write) {
        String returnValues = text(write, "ReturnValues");
        return returnValues == null ? Map.of() : Map.of("dynamodb:ReturnValues", List.of(returnValues));
    }

    private static AwsCall kms(String caller, String operation, SdkPojo request) {
        Map<String, List<String>> context = new LinkedHashMap<>();
        Object encryptionContext = field(request, "EncryptionContext");
        if (encryptionContext instanceof Map<?, ?> pairs && !pairs.isEmpty()) {
            pairs.forEach((k, v) -> context.put("kms:EncryptionContext:" + k, List.of((String) v)));
            context.put(
                    "kms:EncryptionContextKeys",
                    pairs.keySet().stream().map(String.class::cast).sorted().toList());
        }
        String keyId = text(request, "KeyId");
        String key = keyId == null
                ? "key/{from-ciphertext}"
                : keyId.startsWith("arn:")
                        ? keyId.substring(keyId.lastIndexOf(':') + 1)
                        : keyId.startsWith("alias/") ? keyId : "key/" + keyId;
        return new AwsCall(caller, "kms:" + operation, "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":" + key, context);
    }

    private static AwsCall sqs(String caller, String operation, SdkPojo request) {
        String url = text(request, "QueueUrl");
        String name = url != null ? url.substring(url.lastIndexOf('/') + 1) : text(request, "QueueName");
        return new AwsCall(
                caller,
                "sqs:" + operation,
                "arn:aws:sqs:" + REGION + ":" + ACCOUNT + ":" + (name == null ? "*" : name),
                Map.of());
    }

    private static String table(String name, String index) {
        return "arn:aws:dynamodb:" + REGION + ":" + ACCOUNT + ":table/" + name
                + (index == null ? "" : "/index/" + index);
    }

    /** An ARN with its region and account replaced by the placeholders. */
    private static String anywhere(String arn) {
        if (arn == null) {
            return "*";
        }
        String[] parts = arn.split(":", 6);
        return parts.length < 6 ? arn : String.join(":", parts[0], parts[1], parts[2], REGION, ACCOUNT, parts[5]);
    }

    private static String text(SdkPojo pojo, String name) {
        Object value = field(pojo, name);
        return value == null ? null : value.toString();
    }

    private static List<?> list(SdkPojo pojo, String name) {
        Object value = field(pojo, name);
        return value instanceof List<?> items ? items : List.of();
    }

    private static Object field(SdkPojo pojo, String name) {
        if (pojo == null) {
            return null;
        }
        Optional<SdkField<?>> field = pojo.sdkFields().stream()
                .filter(f -> f.memberName().equals(name))
                .findFirst();
        return field.map(f -> f.getValueOrDefault(pojo)).orElse(null);
    }
}
