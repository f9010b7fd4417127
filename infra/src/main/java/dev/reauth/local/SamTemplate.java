package dev.reauth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.Projection;

/**
 * Reads {@code template.yaml}: the DynamoDB table definitions, so the local run and the tests create
 * exactly the tables a deployment creates (keys, indexes, TTL attribute), and the functions with
 * their HTTP routes, so the local API routes each request to the handler the template names.
 * Conditions are not evaluated here except in {@link #functionEnvironment}: the routes are all of them,
 * conditional ones included.
 */
public final class SamTemplate {

    private final JsonNode root;
    private final JsonNode resources;

    private SamTemplate(JsonNode root) {
        this.root = root;
        this.resources = root.path("Resources");
    }

    public static SamTemplate load(Path template) {
        try {
            return new SamTemplate(new ObjectMapper(new YAMLFactory()).readTree(template.toFile()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + template, e);
        }
    }

    /** The project's template.yaml. */
    public static SamTemplate project() {
        return load(ProjectFiles.root().resolve("template.yaml"));
    }

    /**
     * One HTTP API route of a function, as the template declares it: on which API (its logical id) and
     * under which template condition ("" when the route always exists).
     */
    public record HttpRoute(
            String function,
            String handler,
            String method,
            String path,
            boolean iamAuthorized,
            String api,
            String condition) {
        /** The API Gateway route key, e.g. {@code POST /accounts/{name}/reauth}. */
        public String routeKey() {
            return method + " " + path;
        }

        /** The handler's class name (the part before {@code ::}). */
        public String handlerClass() {
            int sep = handler.indexOf("::");
            return sep < 0 ? handler : handler.substring(0, sep);
        }
    }

    /**
     * Every route of the template, conditional ones included: the HttpApi events of every function (IAM-authorized
     * unless they say {@code Authorizer: NONE}) and every {@code AWS::ApiGatewayV2::Route} resource, followed
     * through its integration to the function it invokes.
     */
    public List<HttpRoute> httpRoutes() {
        String defaultAuthorizer = "";
        for (JsonNode resource : resources) {
            if ("AWS::Serverless::HttpApi".equals(resource.path("Type").asText())) {
                defaultAuthorizer = resource.path("Properties")
                        .path("Auth")
                        .path("DefaultAuthorizer")
                        .asText();
            }
        }
        List<HttpRoute> routes = new ArrayList<>();
        var names = resources.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            JsonNode resource = resources.path(name);
            String type = resource.path("Type").asText();
            if ("AWS::ApiGatewayV2::Route".equals(type)) {
                routes.add(explicitRoute(resource));
                continue;
            }
            if (!"AWS::Serverless::Function".equals(type)) {
                continue;
            }
            JsonNode props = resource.path("Properties");
            for (JsonNode event : props.path("Events")) {
                if (!"HttpApi".equals(event.path("Type").asText())) {
                    continue;
                }
                JsonNode ep = event.path("Properties");
                String authorizer = ep.path("Auth").path("Authorizer").asText(defaultAuthorizer);
                routes.add(new HttpRoute(
                        name,
                        props.path("Handler").asText(),
                        ep.path("Method").asText().toUpperCase(),
                        ep.path("Path").asText(),
                        "AWS_IAM".equals(authorizer),
                        ep.path("ApiId").path("Ref").asText(),
                        resource.path("Condition").asText("")));
            }
        }
        return routes;
    }

    /** A plain ApiGatewayV2 route: Target "integrations/${Integration}", whose IntegrationUri names a function (or its alias). */
    private HttpRoute explicitRoute(JsonNode route) {
        JsonNode props = route.path("Properties");
        String target =
                props.path("Target").path("Fn::Sub").asText(props.path("Target").asText());
        Matcher integration =
                Pattern.compile("^integrations/\\$\\{([A-Za-z0-9]+)}$").matcher(target);
        if (!integration.matches()) {
            throw new IllegalArgumentException(
                    "route " + props.path("RouteKey").asText() + ": unsupported Target " + target);
        }
        JsonNode uri = resources.path(integration.group(1)).path("Properties").path("IntegrationUri");
        String function =
                uri.path("Ref").asText(uri.path("Fn::GetAtt").path(0).asText()).replaceFirst("\\.Alias$", "");
        if (!"AWS::Serverless::Function"
                .equals(resources.path(function).path("Type").asText())) {
            throw new IllegalArgumentException(
                    "integration " + integration.group(1) + " invokes no function of the template: " + uri);
        }
        String[] key = props.path("RouteKey").asText().split(" ", 2);
        return new HttpRoute(
                function,
                functionProperty(function, "Handler").asText(),
                key[0],
                key[1],
                "AWS_IAM".equals(props.path("AuthorizationType").asText()),
                props.path("ApiId").path("Ref").asText(),
                route.path("Condition").asText(""));
    }

    /** Function properties, with Globals.Function filled in where the function sets none. */
    public JsonNode functionProperty(String function, String property) {
        JsonNode own = resources.path(function).path("Properties").path(property);
        return own.isMissingNode() ? root.path("Globals").path("Function").path(property) : own;
    }

    /**
     * The environment the template gives a function (Globals, then the function's own), with
     * intrinsic functions resolved: {@code Ref} and {@code Fn::GetAtt} through {@code refs} (keys
     * "LogicalId" and "LogicalId.Attribute"), parameters not in {@code refs} at their defaults, and
     * {@code Fn::If} / {@code Fn::Equals} evaluated.
     */
    public Map<String, String> functionEnvironment(String function, Map<String, String> refs) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode variables : List.of(
                root.path("Globals").path("Function").path("Environment").path("Variables"),
                resources.path(function).path("Properties").path("Environment").path("Variables"))) {
            variables.fields().forEachRemaining(e -> env.put(e.getKey(), resolve(e.getValue(), refs)));
        }
        return env;
    }

    private String resolve(JsonNode value, Map<String, String> refs) {
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.has("Ref")) {
            String name = value.get("Ref").asText();
            if (refs.containsKey(name)) {
                return refs.get(name);
            }
            JsonNode parameter = root.path("Parameters").path(name);
            if (parameter.has("Default")) {
                return parameter.get("Default").asText();
            }
            throw new IllegalArgumentException("no local value for Ref " + name);
        }
        if (value.has("Fn::GetAtt")) {
            String key = value.get("Fn::GetAtt").get(0).asText() + "."
                    + value.get("Fn::GetAtt").get(1).asText();
            if (!refs.containsKey(key)) {
                throw new IllegalArgumentException("no local value for Fn::GetAtt " + key);
            }
            return refs.get(key);
        }
        if (value.has("Fn::If")) {
            JsonNode args = value.get("Fn::If");
            return resolve(condition(args.get(0).asText(), refs) ? args.get(1) : args.get(2), refs);
        }
        throw new IllegalArgumentException("unsupported intrinsic in " + value);
    }

    private boolean condition(String name, Map<String, String> refs) {
        JsonNode condition = root.path("Conditions").path(name);
        if (condition.has("Fn::Equals")) {
            return resolve(condition.get("Fn::Equals").get(0), refs)
                    .equals(resolve(condition.get("Fn::Equals").get(1), refs));
        }
        throw new IllegalArgumentException("unsupported condition " + name);
    }

    /** The template as a tree, for checks. */
    /** A template parameter's default value. */
    public String parameterDefault(String parameter) {
        JsonNode value = root.path("Parameters").path(parameter).path("Default");
        if (value.isMissingNode()) {
            throw new IllegalArgumentException("template.yaml has no default for parameter " + parameter);
        }
        return value.asText();
    }

    public JsonNode resources() {
        return resources;
    }

    /** The CreateTable request for the template resource {@code logicalId}, under another table name. */
    public CreateTableRequest createRequest(String logicalId, String tableName) {
        JsonNode props = properties(logicalId);
        List<AttributeDefinition> attributes = new ArrayList<>();
        props.path("AttributeDefinitions")
                .forEach(a -> attributes.add(AttributeDefinition.builder()
                        .attributeName(a.path("AttributeName").asText())
                        .attributeType(a.path("AttributeType").asText())
                        .build()));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        props.path("GlobalSecondaryIndexes").forEach(gsi -> {
            JsonNode projection = gsi.path("Projection");
            List<String> nonKey = new ArrayList<>();
            projection.path("NonKeyAttributes").forEach(n -> nonKey.add(n.asText()));
            Projection.Builder p = Projection.builder()
                    .projectionType(projection.path("ProjectionType").asText("ALL"));
            if (!nonKey.isEmpty()) {
                p.nonKeyAttributes(nonKey);
            }
            indexes.add(GlobalSecondaryIndex.builder()
                    .indexName(gsi.path("IndexName").asText())
                    .keySchema(keySchema(gsi.path("KeySchema")))
                    .projection(p.build())
                    .build());
        });
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(tableName)
                .billingMode(BillingMode.fromValue(props.path("BillingMode").asText("PAY_PER_REQUEST")))
                .attributeDefinitions(attributes)
                .keySchema(keySchema(props.path("KeySchema")));
        if (!indexes.isEmpty()) {
            request.globalSecondaryIndexes(indexes);
        }
        return request.build();
    }

    /** The TTL attribute of the table, when the template enables one. */
    public Optional<String> ttlAttribute(String logicalId) {
        JsonNode ttl = properties(logicalId).path("TimeToLiveSpecification");
        return ttl.path("Enabled").asBoolean(false)
                ? Optional.of(ttl.path("AttributeName").asText())
                : Optional.empty();
    }

    /** The index names the template gives the table. */
    public List<String> indexNames(String logicalId) {
        List<String> names = new ArrayList<>();
        properties(logicalId)
                .path("GlobalSecondaryIndexes")
                .forEach(g -> names.add(g.path("IndexName").asText()));
        return names;
    }

    private JsonNode properties(String logicalId) {
        JsonNode resource = resources.path(logicalId);
        if (!"AWS::DynamoDB::Table".equals(resource.path("Type").asText())) {
            throw new IllegalArgumentException("template.yaml has no DynamoDB table " + logicalId);
        }
        return resource.path("Properties");
    }

    private static List<KeySchemaElement> keySchema(JsonNode schema) {
        List<KeySchemaElement> keys = new ArrayList<>();
        schema.forEach(k -> keys.add(KeySchemaElement.builder()
                .attributeName(k.path("AttributeName").asText())
                .keyType(k.path("KeyType").asText())
                .build()));
        return keys;
    }
}
