package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.wire.Schema;
import dev.reauth.http.Route;
import dev.reauth.local.SamTemplate;
import dev.reauth.local.TemplateFunction;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** template.yaml checked against the built jar and the code: handlers, routes, auth, least privilege. */
class TemplateIT {

    private static final Set<String> FUNCTIONS = Set.of("StartReauthFunction", "CallbackFunction", "ReloadFunction",
            "ListAccountsFunction");
    private final SamTemplate template = SamTemplate.project();
    private final JsonNode resources = template.resources();

    @Test
    void everyHandler_isAPublicStreamHandler_inTheBuiltJar() throws Exception {
        URL jar = TemplateFunction.jar().toUri().toURL();
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {jar}, ClassLoader.getPlatformClassLoader())) {
            Class<?> streamHandler = isolated.loadClass("com.amazonaws.services.lambda.runtime.RequestStreamHandler");
            Class<?> context = isolated.loadClass("com.amazonaws.services.lambda.runtime.Context");
            for (String function : FUNCTIONS) {
                String handler = template.functionProperty(function, "Handler").asText();
                assertThat(handler).as(function).endsWith("::handleRequest");
                Class<?> type = isolated.loadClass(handler.substring(0, handler.indexOf("::")));
                assertThat(streamHandler.isAssignableFrom(type)).as(handler + " implements RequestStreamHandler").isTrue();
                assertThat(Modifier.isAbstract(type.getModifiers())).as(handler + " is concrete").isFalse();
                assertThat(type.getConstructor().getModifiers() & Modifier.PUBLIC).as(handler + " no-arg constructor").isNotZero();
                Method method = type.getMethod("handleRequest", InputStream.class, OutputStream.class, context);
                assertThat(method.getReturnType()).isEqualTo(void.class);
            }
        }
    }

    @Test
    void routes_areExactlyTheCodesRoutes_andAllButTheBrowserCallbackRequireIam() {
        List<SamTemplate.HttpRoute> routes = template.httpRoutes();

        assertThat(routes).extracting(SamTemplate.HttpRoute::routeKey)
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Route.values()).map(Route::routeKey).toList());
        assertThat(routes).allSatisfy(route -> assertThat(route.iamAuthorized())
                .as(route.routeKey() + " IAM-authorized")
                .isEqualTo(!route.routeKey().equals(Route.BROWSER_CALLBACK.routeKey())));
    }

    @Test
    void eachFunction_isAllowedExactlyTheActionsItsCodeCalls() {
        assertThat(actions("StartReauthFunction")).containsExactlyInAnyOrder("dynamodb:Query", "dynamodb:PutItem");
        assertThat(actions("CallbackFunction")).containsExactlyInAnyOrder(
                "dynamodb:UpdateItem", "dynamodb:PutItem", "kms:Encrypt", "sns:Publish");
        assertThat(actions("ReloadFunction")).containsExactlyInAnyOrder("dynamodb:GetItem", "sns:Publish");
        assertThat(actions("ListAccountsFunction")).containsExactlyInAnyOrder("dynamodb:Scan");
        assertThat(fleetActions()).containsExactlyInAnyOrder(
                "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "kms:Decrypt");
    }

    @Test
    void noIamPolicy_grantsAWildcardResourceOrAction() {
        for (JsonNode statement : iamStatements()) {
            assertThat(statement.toString()).as(statement.toString()).doesNotContain("\"Resource\":\"*\"");
            for (JsonNode action : list(statement.path("Action"))) {
                assertThat(action.asText()).doesNotContain("*");
            }
            for (JsonNode resource : list(statement.path("Resource"))) {
                // the one wildcard allowed: the fleet may query any index of the accounts table
                assertThat(resource.toString().contains("*") && !resource.toString().contains("/index/*"))
                        .as("wildcard resource in " + statement).isFalse();
            }
        }
    }

    @Test
    void kmsUse_isBoundToTheEncryptionContextTheCodeUses() {
        for (JsonNode statement : iamStatements()) {
            if (statement.toString().contains("\"kms:")) {
                assertThat(statement.path("Condition").path("StringEquals").path("kms:EncryptionContext:" + Schema.CONTEXT_PURPOSE).asText())
                        .as(statement.toString()).isEqualTo(Schema.PURPOSE_OAUTH_TOKENS);
            }
        }
    }

    @Test
    void tables_matchTheAttributesTheCodeReadsAndWrites() {
        JsonNode sessions = resources.path("SessionsTable").path("Properties");
        assertThat(sessions.path("KeySchema").get(0).path("AttributeName").asText()).isEqualTo(Schema.Sessions.STATE_HASH);
        assertThat(sessions.path("TimeToLiveSpecification").path("AttributeName").asText()).isEqualTo(Schema.Sessions.TTL);
        assertThat(sessions.path("SSESpecification").path("KMSMasterKeyId").path("Ref").asText()).isEqualTo("TokenKey");

        JsonNode accounts = resources.path("AccountsTable").path("Properties");
        assertThat(accounts.path("KeySchema").get(0).path("AttributeName").asText()).isEqualTo(Schema.Accounts.ID);
        JsonNode index = accounts.path("GlobalSecondaryIndexes").get(0);
        assertThat(index.path("IndexName").asText()).isEqualTo(template.functionEnvironment("CallbackFunction",
                Map.of("AccountsTable", "t", "SessionsTable", "s", "TokenKey.Arn", "k", "TokenEventsTopic", "a"))
                .get("ACCOUNTS_NAME_INDEX"));
        assertThat(index.path("KeySchema").get(0).path("AttributeName").asText()).isEqualTo(Schema.Accounts.NAME);
        assertThat(list(index.path("Projection").path("NonKeyAttributes"))).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(Schema.Accounts.TOKEN_VERSION, Schema.Accounts.MODE, Schema.Accounts.API_KEY);
        assertThat(resources.path("AccountsTable").path("DeletionPolicy").asText()).isEqualTo("Retain");
    }

    @Test
    void functions_useSnapStartWithAnAlias_andLogToGroupsWithRetention() {
        assertThat(template.functionProperty("CallbackFunction", "Runtime").asText()).isEqualTo("java21");
        assertThat(template.functionProperty("CallbackFunction", "SnapStart").path("ApplyOn").asText()).isEqualTo("PublishedVersions");
        assertThat(template.functionProperty("CallbackFunction", "AutoPublishAlias").asText()).isNotBlank();
        for (String function : FUNCTIONS) {
            String group = template.functionProperty(function, "LoggingConfig").path("LogGroup").path("Ref").asText();
            assertThat(resources.path(group).path("Type").asText()).as(function).isEqualTo("AWS::Logs::LogGroup");
            assertThat(resources.path(group).path("Properties").has("RetentionInDays")).isTrue();
        }
        assertThat(resources.path("TokenKey").path("Properties").path("EnableKeyRotation").asBoolean()).isTrue();
        assertThat(resources.path("TokenEventsTopic").path("Properties").path("SignatureVersion").asText()).isEqualTo("2");
    }

    private Set<String> actions(String function) {
        Set<String> actions = new TreeSet<>();
        for (JsonNode policy : resources.path(function).path("Properties").path("Policies")) {
            policy.path("Statement").forEach(s -> list(s.path("Action")).forEach(a -> actions.add(a.asText())));
        }
        return actions;
    }

    private Set<String> fleetActions() {
        Set<String> actions = new HashSet<>();
        resources.path("FleetPolicy").path("Properties").path("PolicyDocument").path("Statement")
                .forEach(s -> list(s.path("Action")).forEach(a -> actions.add(a.asText())));
        return actions;
    }

    /** Statements of the functions' policies and the fleet policy (not the key policy, whose "*" means the key itself). */
    private List<JsonNode> iamStatements() {
        List<JsonNode> statements = new ArrayList<>();
        for (String function : FUNCTIONS) {
            resources.path(function).path("Properties").path("Policies").forEach(p -> p.path("Statement").forEach(statements::add));
        }
        resources.path("FleetPolicy").path("Properties").path("PolicyDocument").path("Statement").forEach(statements::add);
        assertThat(statements).isNotEmpty();
        return statements;
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else if (!node.isMissingNode()) {
            items.add(node);
        }
        return items.stream().collect(Collectors.toList());
    }
}
