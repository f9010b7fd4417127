package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.http.Route;
import dev.reauth.local.ProjectFiles;
import dev.reauth.local.SamTemplate;
import dev.reauth.local.TemplateFunction;
import dev.reauth.web.WebRoute;
import dev.reauth.wire.Schema;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** template.yaml checked against the built jar and the code: handlers, routes, auth, least privilege. */
class TemplateIT {

    private static final Set<String> FUNCTIONS = Set.of(
            "StartReauthFunction",
            "CallbackFunction",
            "ReloadFunction",
            "ListAccountsFunction",
            "RefreshFunction",
            "WebFunction");
    private static final Set<String> FUNCTIONS_AND_FLEET = Set.of(
            "StartReauthFunction",
            "CallbackFunction",
            "ReloadFunction",
            "ListAccountsFunction",
            "RefreshFunction",
            "WebFunction",
            "FleetPolicy",
            "AgentPolicy");
    /** Refs the template's function environments name, for {@link SamTemplate#functionEnvironment}. */
    private static final Map<String, String> REFS = Map.of(
            "AccountsTable",
            "t",
            "SessionsTable",
            "s",
            "TokenKey.Arn",
            "k",
            "TokenEventsTopic",
            "a",
            "AlertsTopic",
            "b",
            "RescueQueue",
            "q",
            "WebApi.ApiEndpoint",
            "https://w");

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
                assertThat(streamHandler.isAssignableFrom(type))
                        .as(handler + " implements RequestStreamHandler")
                        .isTrue();
                assertThat(Modifier.isAbstract(type.getModifiers()))
                        .as(handler + " is concrete")
                        .isFalse();
                assertThat(type.getConstructor().getModifiers() & Modifier.PUBLIC)
                        .as(handler + " no-arg constructor")
                        .isNotZero();
                Method method = type.getMethod("handleRequest", InputStream.class, OutputStream.class, context);
                assertThat(method.getReturnType()).isEqualTo(void.class);
            }
        }
    }

    @Test
    void everyFunction_hasItsBuildTargetInTheMakefile_whichSamBuildCalls() throws Exception {
        String makefile = Files.readString(ProjectFiles.root().resolve("Makefile"));
        List<String> targets = makefile.lines()
                .filter(line -> line.matches("^[A-Za-z0-9 -]+:.*"))
                .flatMap(line -> Arrays.stream(
                        line.substring(0, line.indexOf(':')).trim().split("\\s+")))
                .toList();

        for (String function : FUNCTIONS) {
            assertThat(resources.path(function).at("/Metadata/BuildMethod").asText())
                    .as(function)
                    .isEqualTo("makefile");
            assertThat(targets).as("Makefile targets").contains("build-" + function);
        }
    }

    @Test
    void routes_areExactlyTheCodesRoutes_andOnlyTheBrowserCallbackAndTheLinkPageArePublic() {
        List<SamTemplate.HttpRoute> routes = template.httpRoutes();
        Set<String> publicWebRoutes = Arrays.stream(WebRoute.values())
                .filter(r -> !r.iamAuthorized())
                .map(WebRoute::routeKey)
                .collect(Collectors.toSet());

        assertThat(routes)
                .extracting(SamTemplate.HttpRoute::routeKey)
                .containsExactlyInAnyOrderElementsOf(Stream.concat(
                                Arrays.stream(Route.values()).map(Route::routeKey),
                                Arrays.stream(WebRoute.values()).map(WebRoute::routeKey))
                        .toList());
        assertThat(routes)
                .allSatisfy(route -> assertThat(route.iamAuthorized())
                        .as(route.routeKey() + " IAM-authorized")
                        .isEqualTo(!route.routeKey().equals(Route.BROWSER_CALLBACK.routeKey())
                                && !publicWebRoutes.contains(route.routeKey())));
        // the public callback exists on AWS only when the provider redirects browsers to this stack
        assertThat(routes)
                .allSatisfy(route -> assertThat(route.condition())
                        .as(route.routeKey())
                        .isEqualTo(
                                route.routeKey().equals(Route.BROWSER_CALLBACK.routeKey())
                                        ? "BrowserCallbackOnThisApi"
                                        : ""));
        assertThat(routes)
                .filteredOn(r -> r.routeKey().equals(Route.BROWSER_CALLBACK.routeKey()))
                .singleElement()
                .extracting(SamTemplate.HttpRoute::function)
                .isEqualTo("CallbackFunction");
        // every link route is the web function's: the operators' two on the main API, the page's on the web API alone
        assertThat(routes)
                .filteredOn(r -> WebRoute.of(r.routeKey()).isPresent())
                .allSatisfy(r -> assertThat(r.function()).isEqualTo("WebFunction"))
                .allSatisfy(
                        r -> assertThat(r.api()).as(r.routeKey()).isEqualTo(r.iamAuthorized() ? "HttpApi" : "WebApi"));
        assertThat(routes)
                .filteredOn(r -> r.api().equals("WebApi"))
                .extracting(SamTemplate.HttpRoute::routeKey)
                .containsExactlyInAnyOrderElementsOf(publicWebRoutes);
    }

    @Test
    void eachFunction_isAllowedExactlyTheActionsItsCodeCalls() {
        Map<String, Set<String>> actions = actions(ResolvedTemplate.project(DeploymentShapes.DEFAULTS));

        assertThat(actions.get("StartReauthFunction")).containsExactlyInAnyOrder("dynamodb:Query", "dynamodb:PutItem");
        // revocation is on by default (OAuthRevokeUrl): the callback reads and opens the tokens it replaces
        assertThat(actions.get("CallbackFunction"))
                .containsExactlyInAnyOrder(
                        "dynamodb:UpdateItem",
                        "dynamodb:ConditionCheckItem",
                        "dynamodb:PutItem",
                        "dynamodb:GetItem",
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "sns:Publish");
        assertThat(actions.get("ReloadFunction"))
                .containsExactlyInAnyOrder("dynamodb:GetItem", "dynamodb:Query", "sns:Publish");
        assertThat(actions.get("ListAccountsFunction")).containsExactlyInAnyOrder("dynamodb:Scan");
        assertThat(actions.get("RefreshFunction"))
                .containsExactlyInAnyOrder(
                        "dynamodb:Query",
                        "dynamodb:UpdateItem",
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "kms:Decrypt",
                        "kms:Encrypt",
                        "sns:Publish",
                        "sqs:SendMessage",
                        "sqs:ReceiveMessage",
                        "sqs:DeleteMessage",
                        "sqs:ChangeMessageVisibility");
        assertThat(actions.get("WebFunction"))
                .containsExactlyInAnyOrder(
                        "dynamodb:GetItem",
                        "dynamodb:PutItem",
                        "dynamodb:UpdateItem",
                        "dynamodb:ConditionCheckItem",
                        "dynamodb:Query",
                        "kms:Encrypt",
                        "sns:Publish");
        assertThat(actions.get("FleetPolicy"))
                .containsExactlyInAnyOrder(
                        "dynamodb:GetItem",
                        "dynamodb:BatchGetItem",
                        "dynamodb:Query",
                        "dynamodb:Scan",
                        "kms:Decrypt",
                        "execute-api:Invoke");
        assertThat(actions.get("AgentPolicy")).containsExactly("execute-api:Invoke");
        assertThat(actions).containsOnlyKeys(FUNCTIONS_AND_FLEET);
    }

    @Test
    void reload_findsANameThroughTheNameIndexOnly_andReadsOneAccountByItsKey() {
        String accounts =
                "arn:aws:dynamodb:" + ResolvedTemplate.REGION + ":" + ResolvedTemplate.ACCOUNT + ":table/AccountsTable";
        List<JsonNode> statements = IamPrincipals.of(ResolvedTemplate.project(DeploymentShapes.DEFAULTS))
                .get("ReloadFunction");

        assertThat(statements)
                .filteredOn(statement -> IamPrincipals.actions(statement).contains("dynamodb:Query"))
                .singleElement()
                .satisfies(statement -> {
                    assertThat(IamPrincipals.actions(statement)).containsExactly("dynamodb:Query");
                    assertThat(IamPrincipals.resources(statement)).containsExactly(accounts + "/index/name-index");
                });
        assertThat(statements)
                .filteredOn(statement -> IamPrincipals.actions(statement).contains("dynamodb:GetItem"))
                .singleElement()
                .satisfies(statement ->
                        assertThat(IamPrincipals.resources(statement)).containsExactly(accounts));
    }

    @Test
    void callback_opensReplacedTokens_underTheRefreshersEncryptionContext_onlyWhileRevocationIsOn() {
        Map<String, Set<String>> off = actions(ResolvedTemplate.project(Map.of("OAuthRevokeUrl", "")));
        assertThat(off.get("CallbackFunction")).doesNotContain("kms:Decrypt", "dynamodb:GetItem");

        Map<String, List<JsonNode>> principals = IamPrincipals.of(ResolvedTemplate.project(DeploymentShapes.DEFAULTS));
        JsonNode callbackDecrypt = principals.get("CallbackFunction").stream()
                .filter(statement -> IamPrincipals.actions(statement).contains("kms:Decrypt"))
                .findFirst()
                .orElseThrow();
        JsonNode refresherDecrypt = principals.get("RefreshFunction").stream()
                .filter(statement -> IamPrincipals.actions(statement).contains("kms:Decrypt"))
                .findFirst()
                .orElseThrow();
        assertThat(IamPrincipals.actions(callbackDecrypt)).containsExactly("kms:Decrypt");
        assertThat(callbackDecrypt.path("Condition")).isEqualTo(refresherDecrypt.path("Condition"));
        assertThat(IamPrincipals.resources(callbackDecrypt)).isEqualTo(IamPrincipals.resources(refresherDecrypt));
        assertThat(SamTemplate.project()
                        .functionEnvironment("CallbackFunction", REFS)
                        .get("OAUTH_REVOKE_URL"))
                .isEqualTo("https://platform.claude.com/v1/oauth/token/revoke");
    }

    @Test
    void callback_mayCheckTheNameReservation_inTheSessionsTable() {
        ResolvedTemplate resolved = ResolvedTemplate.project(DeploymentShapes.DEFAULTS);
        String sessions =
                "arn:aws:dynamodb:" + ResolvedTemplate.REGION + ":" + ResolvedTemplate.ACCOUNT + ":table/SessionsTable";

        assertThat(IamPrincipals.of(resolved).get("CallbackFunction")).anySatisfy(statement -> {
            assertThat(IamPrincipals.actions(statement)).contains("dynamodb:ConditionCheckItem");
            assertThat(IamPrincipals.resources(statement)).containsExactly(sessions);
        });
    }

    @Test
    void webFunction_readsAccountsOnlyThroughTheAttributesItProjects_neverTheTokens() {
        String accounts =
                "arn:aws:dynamodb:" + ResolvedTemplate.REGION + ":" + ResolvedTemplate.ACCOUNT + ":table/AccountsTable";
        List<JsonNode> reads =
                IamPrincipals.of(ResolvedTemplate.project(DeploymentShapes.DEFAULTS)).get("WebFunction").stream()
                        .filter(statement -> IamPrincipals.resources(statement).contains(accounts))
                        .filter(statement -> IamPrincipals.actions(statement).contains("dynamodb:GetItem"))
                        .toList();

        assertThat(reads).singleElement().satisfies(statement -> {
            assertThat(IamPrincipals.actions(statement)).containsExactly("dynamodb:GetItem");
            JsonNode condition = statement.path("Condition");
            assertThat(list(condition.path("ForAllValues:StringEquals").path("dynamodb:Attributes")))
                    .extracting(JsonNode::asText)
                    .containsExactlyInAnyOrder(
                            Schema.Accounts.ID,
                            Schema.Accounts.NAME,
                            Schema.Accounts.TOKEN_VERSION,
                            Schema.Accounts.MODE,
                            Schema.Accounts.API_KEY,
                            Schema.Accounts.REQUIRES_REAUTH,
                            Schema.Accounts.PROVIDER_ACCOUNT_UUID,
                            Schema.Accounts.PROVIDER_EMAIL,
                            Schema.Accounts.PROVIDER_ORGANIZATION_UUID,
                            Schema.Accounts.PROVIDER_ORGANIZATION_NAME)
                    .doesNotContain(Schema.Accounts.TOKEN_CIPHERTEXT);
            assertThat(condition
                            .path("StringEqualsIfExists")
                            .path("dynamodb:Select")
                            .asText())
                    .isEqualTo("SPECIFIC_ATTRIBUTES");
        });
    }

    @Test
    void refresher_mayOnlyPutItems_forTheLinksOfItsAlerts_andCountItsProviderCalls_inTheSessionsTable() {
        String sessions =
                "arn:aws:dynamodb:" + ResolvedTemplate.REGION + ":" + ResolvedTemplate.ACCOUNT + ":table/SessionsTable";

        assertThat(IamPrincipals.of(ResolvedTemplate.project(DeploymentShapes.DEFAULTS))
                        .get("RefreshFunction"))
                .filteredOn(statement -> IamPrincipals.resources(statement).contains(sessions))
                .extracting(IamPrincipals::actions)
                .containsExactlyInAnyOrder(List.of("dynamodb:PutItem"), List.of("dynamodb:UpdateItem"));
    }

    @Test
    void existingAccountsTableKey_addsOneStatement_theKeyThroughDynamoDb_toEveryRoleOfTheTable() {
        Map<String, List<JsonNode>> plain = IamPrincipals.of(ResolvedTemplate.project(DeploymentShapes.EXISTING_TABLE));
        Map<String, List<JsonNode>> keyed =
                IamPrincipals.of(ResolvedTemplate.project(DeploymentShapes.EXISTING_TABLE_WITH_CMK));

        assertThat(keyed).containsOnlyKeys(FUNCTIONS_AND_FLEET);
        keyed.forEach((principal, statements) -> {
            if (principal.equals("AgentPolicy")) {
                // the agent's one extra right is an API route; the table it reads through FleetPolicy
                assertThat(statements).isEqualTo(plain.get(principal));
                return;
            }
            List<JsonNode> added = new ArrayList<>(statements);
            added.removeAll(plain.get(principal));
            assertThat(added).as(principal).singleElement().satisfies(statement -> {
                assertThat(IamPrincipals.actions(statement))
                        .containsExactlyInAnyOrder(
                                "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:DescribeKey");
                assertThat(IamPrincipals.resources(statement)).containsExactly(DeploymentShapes.EXISTING_TABLE_KEY_ARN);
                assertThat(viaDynamoDb(statement)).isTrue();
            });
        });
    }

    @Test
    void noIamPolicy_grantsAWildcardResourceOrAction() {
        DeploymentShapes.all().forEach((shape, resolved) -> {
            for (JsonNode statement : iamStatements(resolved)) {
                for (String action : IamPrincipals.actions(statement)) {
                    // the one wildcard action: DynamoDB's documented use of a table key, only through DynamoDB
                    boolean throughDynamoDb = action.equals("kms:GenerateDataKey*") && viaDynamoDb(statement);
                    assertThat(action.contains("*") && !throughDynamoDb)
                            .as(shape + ": " + statement)
                            .isFalse();
                }
                for (String resource : IamPrincipals.resources(statement)) {
                    // the wildcard resources: the fleet may query any index of the accounts table, and ask for a
                    // refresh of any account, and the agent hand over its tokens or say it serves it (any stage of this
                    // stack's API: the path holds the id)
                    boolean anyIndex = resource.endsWith("/index/*");
                    boolean refreshRoute = resource.matches(
                            "arn:aws:execute-api:[a-z0-9-]+:[0-9]{12}:HttpApi/\\*/POST/accounts/\\*/(refresh|tokens|agent)");
                    assertThat(resource.contains("*") && !anyIndex && !refreshRoute)
                            .as(shape + ": " + statement)
                            .isFalse();
                }
            }
        });
    }

    @Test
    void kmsUse_isBoundToTheTokensEncryptionContext_orToDynamoDbsUseOfATableKey() {
        DeploymentShapes.all().forEach((shape, resolved) -> {
            for (JsonNode statement : iamStatements(resolved)) {
                if (IamPrincipals.actions(statement).stream().noneMatch(a -> a.startsWith("kms:"))) {
                    continue;
                }
                if (viaDynamoDb(statement)) {
                    assertThat(IamPrincipals.resources(statement))
                            .as(shape + ": " + statement)
                            .containsExactly(DeploymentShapes.EXISTING_TABLE_KEY_ARN);
                } else {
                    assertThat(statement
                                    .path("Condition")
                                    .path("StringEquals")
                                    .path("kms:EncryptionContext:" + Schema.CONTEXT_PURPOSE)
                                    .asText())
                            .as(shape + ": " + statement)
                            .isEqualTo(Schema.PURPOSE_OAUTH_TOKENS);
                }
            }
        });
    }

    @Test
    void tables_matchTheAttributesTheCodeReadsAndWrites() {
        JsonNode sessions = resources.path("SessionsTable").path("Properties");
        assertThat(sessions.path("KeySchema").get(0).path("AttributeName").asText())
                .isEqualTo(Schema.Sessions.STATE_HASH);
        assertThat(sessions.path("TimeToLiveSpecification")
                        .path("AttributeName")
                        .asText())
                .isEqualTo(Schema.Sessions.TTL);
        // encrypted with KMS; which key is TableKeyAccessIT's concern (the AWS managed one needs no grants)
        assertThat(sessions.path("SSESpecification").path("SSEEnabled").asBoolean())
                .isTrue();
        assertThat(sessions.path("SSESpecification").path("SSEType").asText()).isEqualTo("KMS");

        JsonNode accounts = resources.path("AccountsTable").path("Properties");
        assertThat(accounts.path("KeySchema").get(0).path("AttributeName").asText())
                .isEqualTo(Schema.Accounts.ID);
        JsonNode index = accounts.path("GlobalSecondaryIndexes").get(0);
        assertThat(index.path("IndexName").asText())
                .isEqualTo(
                        template.functionEnvironment("CallbackFunction", REFS).get("ACCOUNTS_NAME_INDEX"));
        assertThat(index.path("KeySchema").get(0).path("AttributeName").asText())
                .isEqualTo(Schema.Accounts.NAME);
        assertThat(list(index.path("Projection").path("NonKeyAttributes")))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(
                        Schema.Accounts.TOKEN_VERSION,
                        Schema.Accounts.MODE,
                        Schema.Accounts.API_KEY,
                        Schema.Accounts.REQUIRES_REAUTH);

        // the sparse refresh index: partition refresh_bucket, sort expires_at, projecting what a run reads
        JsonNode refresh = accounts.path("GlobalSecondaryIndexes").get(1);
        assertThat(refresh.path("IndexName").asText())
                .isEqualTo(template.functionEnvironment("RefreshFunction", REFS).get("ACCOUNTS_REFRESH_INDEX"));
        assertThat(refresh.path("KeySchema").get(0).path("AttributeName").asText())
                .isEqualTo(Schema.Accounts.REFRESH_BUCKET);
        assertThat(refresh.path("KeySchema").get(1).path("AttributeName").asText())
                .isEqualTo(Schema.Accounts.EXPIRES_AT);
        assertThat(list(refresh.path("Projection").path("NonKeyAttributes")))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(
                        Schema.Accounts.NAME,
                        Schema.Accounts.TOKEN_VERSION,
                        Schema.Accounts.NEXT_REFRESH_AT,
                        Schema.Accounts.REFRESH_LEASE_UNTIL,
                        Schema.Accounts.REFRESH_ALERTS);
        assertThat(resources.path("AccountsTable").path("DeletionPolicy").asText())
                .isEqualTo("Retain");
    }

    @Test
    void functions_useSnapStartWithAnAlias_andLogToGroupsWithRetention() {
        assertThat(template.functionProperty("CallbackFunction", "Runtime").asText())
                .isEqualTo("java21");
        assertThat(template.functionProperty("CallbackFunction", "SnapStart")
                        .path("ApplyOn")
                        .asText())
                .isEqualTo("PublishedVersions");
        assertThat(template.functionProperty("CallbackFunction", "AutoPublishAlias")
                        .asText())
                .isNotBlank();
        for (String function : FUNCTIONS) {
            String group = template.functionProperty(function, "LoggingConfig")
                    .path("LogGroup")
                    .path("Ref")
                    .asText();
            assertThat(resources.path(group).path("Type").asText()).as(function).isEqualTo("AWS::Logs::LogGroup");
            assertThat(resources.path(group).path("Properties").has("RetentionInDays"))
                    .isTrue();
        }
        assertThat(resources
                        .path("TokenKey")
                        .path("Properties")
                        .path("EnableKeyRotation")
                        .asBoolean())
                .isTrue();
        assertThat(resources
                        .path("TokenEventsTopic")
                        .path("Properties")
                        .path("SignatureVersion")
                        .asText())
                .isEqualTo("2");
    }

    /** Each principal's actions, as written. */
    private static Map<String, Set<String>> actions(ResolvedTemplate resolved) {
        Map<String, Set<String>> actions = new TreeMap<>();
        IamPrincipals.of(resolved)
                .forEach((principal, statements) -> statements.forEach(s ->
                        actions.computeIfAbsent(principal, p -> new TreeSet<>()).addAll(IamPrincipals.actions(s))));
        return actions;
    }

    /** Statements of the functions' policies and the fleet policy (not the key policy, whose "*" means the key itself). */
    private static List<JsonNode> iamStatements(ResolvedTemplate resolved) {
        List<JsonNode> statements = new ArrayList<>();
        IamPrincipals.of(resolved).values().forEach(statements::addAll);
        assertThat(statements).isNotEmpty();
        return statements;
    }

    private static boolean viaDynamoDb(JsonNode statement) {
        JsonNode condition = statement.path("Condition");
        return condition.size() == 1
                && condition.path("StringEquals").size() == 1
                && condition
                        .path("StringEquals")
                        .path("kms:ViaService")
                        .asText()
                        .equals("dynamodb." + ResolvedTemplate.REGION + ".amazonaws.com");
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
