package dev.reauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.reauth.local.ProjectFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * template.yaml as CloudFormation sees it for one set of parameter values: conditions evaluated, resources
 * whose condition is false left out, and Ref, Fn::GetAtt, Fn::Sub, Fn::If and Fn::Join resolved to the
 * strings AWS would substitute (names and ARNs in a fixed region and account). A Ref to a parameter that
 * does not exist, to a resource the deployment does not create, or a parameter value outside its
 * AllowedValues/AllowedPattern fails as the deployment would.
 */
final class ResolvedTemplate {

    static final String REGION = "eu-west-1";
    static final String ACCOUNT = "123456789012";
    static final String STACK = "reauth";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");

    private final JsonNode raw;
    private final Map<String, String> parameters = new HashMap<>();
    private final Map<String, Boolean> conditions = new HashMap<>();
    private final ObjectNode resources = NODES.objectNode();

    private ResolvedTemplate(JsonNode raw, Map<String, String> parameterValues) {
        this.raw = raw;
        parameterValues.forEach((name, value) -> {
            if (!raw.path("Parameters").has(name)) {
                throw new IllegalArgumentException("template.yaml has no parameter " + name);
            }
        });
        raw.path("Parameters").fields().forEachRemaining(p -> {
            String value = parameterValues.getOrDefault(
                    p.getKey(), p.getValue().path("Default").asText(null));
            if (value == null) {
                throw new IllegalArgumentException("parameter " + p.getKey() + " has no default and no value");
            }
            checkAllowed(p.getKey(), p.getValue(), value);
            parameters.put(p.getKey(), value);
        });
        Map<String, JsonNode> present = new LinkedHashMap<>();
        raw.path("Resources").fields().forEachRemaining(r -> {
            if (!r.getValue().has("Condition")
                    || condition(r.getValue().path("Condition").asText())) {
                present.put(r.getKey(), r.getValue());
            }
        });
        present.keySet().forEach(id -> resources.putObject(id));
        present.forEach((id, resource) -> {
            for (JsonNode dependency : list(resource.path("DependsOn"))) {
                if (!present.containsKey(dependency.asText())) {
                    throw new IllegalStateException(
                            id + " depends on " + dependency.asText() + ", which this deployment does not create");
                }
            }
            resources.set(id, resolve(resource));
        });
    }

    /** The project's template.yaml, unchanged, for these parameter values (others at their defaults). */
    static ResolvedTemplate project(Map<String, String> parameterValues) {
        return of(projectTree(), parameterValues);
    }

    /** A template tree (e.g. a mutated copy of the project's) for these parameter values. */
    static ResolvedTemplate of(JsonNode template, Map<String, String> parameterValues) {
        return new ResolvedTemplate(template, parameterValues);
    }

    /** A fresh, mutable tree of the project's template.yaml. */
    static ObjectNode projectTree() {
        try {
            return (ObjectNode)
                    YAML.readTree(ProjectFiles.root().resolve("template.yaml").toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read template.yaml", e);
        }
    }

    /** A parameter's value in this deployment (given, or its default). */
    String parameter(String name) {
        if (!parameters.containsKey(name)) {
            throw new IllegalArgumentException("template.yaml has no parameter " + name);
        }
        return parameters.get(name);
    }

    /** A parameter's value, or {@code absent} where the template has no such parameter. */
    String parameterOr(String name, String absent) {
        return parameters.getOrDefault(name, absent);
    }

    /** A resource's ARN in this deployment (Fn::GetAtt [logicalId, Arn]). */
    String arn(String logicalId) {
        return getAtt(logicalId, "Arn").asText();
    }

    /** What Ref gives for a resource or parameter in this deployment. */
    String refValue(String name) {
        return ref(name).asText();
    }

    /** The resources this deployment creates, resolved; logical id to resource. */
    ObjectNode resources() {
        return resources;
    }

    JsonNode resource(String logicalId) {
        return resources.path(logicalId);
    }

    boolean creates(String logicalId) {
        return resources.has(logicalId);
    }

    /** A function's tags: Globals.Function's, then its own (SAM puts them on the function's generated role too). */
    Map<String, String> functionTags(String function) {
        Map<String, String> tags = new LinkedHashMap<>();
        JsonNode global = resolve(raw.path("Globals").path("Function").path("Tags"));
        if (global != null) {
            global.fields()
                    .forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        }
        resource(function)
                .path("Properties")
                .path("Tags")
                .fields()
                .forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        return tags;
    }

    /** A function's environment variables: Globals.Function's, then its own. */
    Map<String, String> environment(String function) {
        Map<String, String> env = new LinkedHashMap<>();
        resolve(raw.path("Globals").path("Function").path("Environment").path("Variables"))
                .fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        resource(function)
                .path("Properties")
                .path("Environment")
                .path("Variables")
                .fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        return env;
    }

    /** The stack outputs this deployment has, resolved. */
    Map<String, String> outputs() {
        Map<String, String> outputs = new LinkedHashMap<>();
        raw.path("Outputs").fields().forEachRemaining(o -> {
            if (!o.getValue().has("Condition")
                    || condition(o.getValue().path("Condition").asText())) {
                outputs.put(o.getKey(), resolve(o.getValue().path("Value")).asText());
            }
        });
        return outputs;
    }

    boolean condition(String name) {
        Boolean known = conditions.get(name);
        if (known == null) {
            JsonNode definition = raw.path("Conditions").path(name);
            if (definition.isMissingNode()) {
                throw new IllegalArgumentException("template.yaml has no condition " + name);
            }
            known = evaluate(definition);
            conditions.put(name, known);
        }
        return known;
    }

    private boolean evaluate(JsonNode condition) {
        if (condition.has("Condition")) {
            return condition(condition.get("Condition").asText());
        }
        if (condition.has("Fn::Equals")) {
            return resolve(condition.get("Fn::Equals").get(0))
                    .asText()
                    .equals(resolve(condition.get("Fn::Equals").get(1)).asText());
        }
        if (condition.has("Fn::Not")) {
            return !evaluate(condition.get("Fn::Not").get(0));
        }
        if (condition.has("Fn::And")) {
            boolean all = true;
            for (JsonNode c : condition.get("Fn::And")) {
                all &= evaluate(c);
            }
            return all;
        }
        if (condition.has("Fn::Or")) {
            boolean any = false;
            for (JsonNode c : condition.get("Fn::Or")) {
                any |= evaluate(c);
            }
            return any;
        }
        throw new IllegalArgumentException("unsupported condition " + condition);
    }

    /** The node with every intrinsic resolved; null where it resolves to AWS::NoValue. */
    private JsonNode resolve(JsonNode node) {
        if (node.isObject() && node.size() == 1) {
            String function = node.fieldNames().next();
            JsonNode args = node.get(function);
            switch (function) {
                case "Ref":
                    return ref(args.asText());
                case "Fn::GetAtt":
                    return args.isArray()
                            ? getAtt(args.get(0).asText(), args.get(1).asText())
                            : getAtt(
                                    args.asText().substring(0, args.asText().indexOf('.')),
                                    args.asText().substring(args.asText().indexOf('.') + 1));
                case "Fn::Sub":
                    return TextNode.valueOf(
                            args.isArray()
                                    ? sub(args.get(0).asText(), args.get(1))
                                    : sub(args.asText(), NODES.objectNode()));
                case "Fn::If":
                    return resolve(condition(args.get(0).asText()) ? args.get(1) : args.get(2));
                case "Fn::Join": {
                    StringBuilder joined = new StringBuilder();
                    for (JsonNode part : resolve(args.get(1))) {
                        joined.append(joined.isEmpty() ? "" : args.get(0).asText())
                                .append(part.asText());
                    }
                    return TextNode.valueOf(joined.toString());
                }
                default:
                    if (function.startsWith("Fn::")) {
                        throw new IllegalArgumentException("unsupported intrinsic " + function);
                    }
            }
        }
        if (node.isObject()) {
            ObjectNode out = NODES.objectNode();
            node.fields().forEachRemaining(f -> {
                JsonNode value = resolve(f.getValue());
                if (value != null) {
                    out.set(f.getKey(), value);
                }
            });
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(item -> {
                JsonNode value = resolve(item);
                if (value != null) {
                    out.add(value);
                }
            });
            return out;
        }
        return node;
    }

    private JsonNode ref(String name) {
        switch (name) {
            case "AWS::NoValue":
                return null;
            case "AWS::Region":
                return TextNode.valueOf(REGION);
            case "AWS::AccountId":
                return TextNode.valueOf(ACCOUNT);
            case "AWS::Partition":
                return TextNode.valueOf("aws");
            case "AWS::URLSuffix":
                return TextNode.valueOf("amazonaws.com");
            case "AWS::StackName":
                return TextNode.valueOf(STACK);
            default:
        }
        if (parameters.containsKey(name)) {
            return TextNode.valueOf(parameters.get(name));
        }
        if (name.endsWith(".Alias")) {
            // SAM: the function's AutoPublishAlias, by ARN
            String function = name.substring(0, name.length() - ".Alias".length());
            return TextNode.valueOf(getAtt(function, "Arn").asText() + ":live");
        }
        String type = typeOf(name);
        return TextNode.valueOf(
                switch (type) {
                    case "AWS::KMS::Key" -> "key-" + name;
                    case "AWS::DynamoDB::Table" ->
                        raw.path("Resources")
                                .path(name)
                                .path("Properties")
                                .path("TableName")
                                .asText(name);
                    case "AWS::SNS::Topic" -> arn("sns", name);
                    case "AWS::IAM::ManagedPolicy" -> "arn:aws:iam::" + ACCOUNT + ":policy/" + name;
                    case "AWS::IAM::Role" -> STACK + "-" + name;
                    case "AWS::Lambda::Function" -> STACK + "-" + name;
                    case "AWS::SQS::Queue" ->
                        "https://sqs." + REGION + ".amazonaws.com/" + ACCOUNT + "/" + STACK + "-" + name;
                    default -> name;
                });
    }

    private JsonNode getAtt(String logicalId, String attribute) {
        if (attribute.equals("Arn") && isGeneratedRole(logicalId)) {
            // SAM: a function's generated execution role, FunctionRole (its name is CloudFormation's; the
            // logical id stands in for it, as the ARN's role name)
            return TextNode.valueOf("arn:aws:iam::" + ACCOUNT + ":role/" + logicalId);
        }
        String type = typeOf(logicalId);
        if (!attribute.equals("Arn")) {
            return TextNode.valueOf(logicalId + "." + attribute);
        }
        String name = ref(logicalId).asText();
        return TextNode.valueOf(
                switch (type) {
                    case "AWS::DynamoDB::Table" -> arn("dynamodb", "table/" + name);
                    case "AWS::KMS::Key" -> arn("kms", "key/" + name);
                    case "AWS::Logs::LogGroup" -> arn("logs", "log-group:" + name + ":*");
                    case "AWS::Serverless::Function", "AWS::Lambda::Function" -> arn("lambda", "function:" + name);
                    case "AWS::IAM::Role" -> "arn:aws:iam::" + ACCOUNT + ":role/" + name;
                    case "AWS::Events::Rule" -> arn("events", "rule/" + name);
                    case "AWS::SQS::Queue" -> arn("sqs", name.substring(name.lastIndexOf('/') + 1));
                    case "AWS::SNS::Topic" -> name;
                    default -> throw new IllegalArgumentException("no ARN format for " + type + " " + logicalId);
                });
    }

    private boolean isGeneratedRole(String logicalId) {
        return logicalId.endsWith("Role")
                && !raw.path("Resources").has(logicalId)
                && "AWS::Serverless::Function"
                        .equals(raw.path("Resources")
                                .path(logicalId.substring(0, logicalId.length() - "Role".length()))
                                .path("Type")
                                .asText());
    }

    private String typeOf(String logicalId) {
        if (!raw.path("Resources").has(logicalId)) {
            throw new IllegalArgumentException("Ref to " + logicalId + ", which is neither a parameter nor a resource");
        }
        if (!resources.has(logicalId)) {
            throw new IllegalStateException("Ref to " + logicalId + ", which this deployment does not create");
        }
        return raw.path("Resources").path(logicalId).path("Type").asText();
    }

    private String sub(String template, JsonNode variables) {
        Matcher m = SUB_VARIABLE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value;
            if (variables.has(name)) {
                value = resolve(variables.get(name)).asText();
            } else if (name.contains(".") && !name.startsWith("AWS::") && !name.endsWith(".Alias")) {
                value = getAtt(name.substring(0, name.indexOf('.')), name.substring(name.indexOf('.') + 1))
                        .asText();
            } else {
                value = ref(name).asText();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().replace("${!", "${");
    }

    private static void checkAllowed(String name, JsonNode parameter, String value) {
        if (parameter.has("AllowedValues")) {
            boolean allowed = false;
            for (JsonNode v : parameter.get("AllowedValues")) {
                allowed |= v.asText().equals(value);
            }
            if (!allowed) {
                throw new IllegalArgumentException("parameter " + name + ": " + value + " is not an allowed value");
            }
        }
        if (parameter.has("AllowedPattern")
                && !Pattern.matches(parameter.get("AllowedPattern").asText(), value)) {
            throw new IllegalArgumentException(
                    "parameter " + name + ": " + value + " does not match its AllowedPattern");
        }
        if (parameter.has("MinValue")
                && Double.parseDouble(value) < parameter.get("MinValue").asDouble()) {
            throw new IllegalArgumentException("parameter " + name + ": " + value + " is below its MinValue");
        }
    }

    private static String arn(String service, String resource) {
        return "arn:aws:" + service + ":" + REGION + ":" + ACCOUNT + ":" + resource;
    }

    /** A node that may be one item or a list of them, as a list. */
    static List<JsonNode> list(JsonNode node) {
        if (node.isArray()) {
            List<JsonNode> items = new ArrayList<>();
            node.forEach(items::add);
            return items;
        }
        return node.isMissingNode() || node.isNull() ? List.of() : List.of(node);
    }
}
