package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.http.Route;
import dev.reauth.web.WebRoute;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * template.yaml as it must be to run on AWS and be cleaned up: durable data retained, the public browser
 * callback only where the provider redirects to it, the re-auth link page public on an API of its own,
 * access logs without query strings or path values, every public route throttled, the concurrency of the
 * functions behind public routes reserved.
 */
class TemplateOperationsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANTHROPIC_REDIRECT = "https://platform.claude.com/oauth/code/callback";
    /** Access-log variables that say nothing of the request's path values, query string or body. */
    private static final Set<String> QUERY_FREE_LOG_VARIABLES = Set.of(
            "$context.requestId",
            "$context.apiId",
            "$context.requestTime",
            "$context.requestTimeEpoch",
            "$context.routeKey",
            "$context.status",
            "$context.protocol",
            "$context.httpMethod",
            "$context.responseLength",
            "$context.responseLatency",
            "$context.integrationLatency",
            "$context.integrationStatus",
            "$context.integrationErrorMessage",
            "$context.error.message",
            "$context.identity.sourceIp",
            "$context.identity.userAgent",
            "$context.identity.userArn",
            "$context.stage");

    private static final Pattern LOG_VARIABLE = Pattern.compile("\\$[A-Za-z.]+");

    @Test
    void durableData_isRetained_whenTheStackIsDeletedOrTheResourceReplaced() {
        ResolvedTemplate template = ResolvedTemplate.project(DeploymentShapes.DEFAULTS);
        List<String> durable = new ArrayList<>();
        template.resources().fields().forEachRemaining(r -> {
            String type = r.getValue().path("Type").asText();
            // a table without TTL keeps its items; a key's ciphertext lives on in the accounts table, which may not
            // even be the stack's
            boolean holdsDurableData = type.equals("AWS::DynamoDB::Table")
                    && !r.getValue()
                            .at("/Properties/TimeToLiveSpecification/Enabled")
                            .asBoolean();
            if (holdsDurableData || type.equals("AWS::KMS::Key")) {
                durable.add(r.getKey());
                assertThat(r.getValue().path("DeletionPolicy").asText())
                        .as(r.getKey())
                        .isEqualTo("Retain");
                assertThat(r.getValue().path("UpdateReplacePolicy").asText())
                        .as(r.getKey())
                        .isEqualTo("Retain");
            }
        });

        String tokenKey = template.environment("CallbackFunction").get("TOKEN_KEY_ID");
        assertThat(durable)
                .contains("AccountsTable", tokenKey.substring(tokenKey.lastIndexOf("/key-") + "/key-".length()));
    }

    @Test
    void browserCallback_isNotDeployed_whereTheProviderRedirectsElsewhere() {
        for (String redirect : List.of(ANTHROPIC_REDIRECT, "https://login.example.org/oauth/callback")) {
            ResolvedTemplate template = ResolvedTemplate.project(Map.of("OAuthRedirectUri", redirect));

            assertThat(callbackRoutes(template)).as(redirect).isEmpty();
            assertThat(template.outputs()).doesNotContainKey("BrowserCallbackUrl");
            assertThat(template.environment("StartReauthFunction")).containsEntry("OAUTH_REDIRECT_URI", redirect);
        }
        assertThat(ResolvedTemplate.project(DeploymentShapes.DEFAULTS).environment("StartReauthFunction"))
                .containsEntry("OAUTH_REDIRECT_URI", ANTHROPIC_REDIRECT);
    }

    @Test
    void browserCallback_isDeployed_andIsTheRedirectUri_whenTheRedirectIsThisApi() {
        ResolvedTemplate template = ResolvedTemplate.project(DeploymentShapes.BROWSER_CALLBACK_ON_THIS_API);
        String url =
                "https://BrowserCallbackApi.execute-api." + ResolvedTemplate.REGION + ".amazonaws.com/oauth/callback";

        List<JsonNode> routes = callbackRoutes(template);
        assertThat(routes).hasSize(1);
        JsonNode route = routes.get(0);
        assertThat(route.path("Type").asText()).isEqualTo("AWS::ApiGatewayV2::Route");
        assertThat(route.at("/Properties/RouteKey").asText()).isEqualTo(Route.BROWSER_CALLBACK.routeKey());
        String integration = route.at("/Properties/Target").asText().substring("integrations/".length());
        String callbackAlias = "arn:aws:lambda:" + ResolvedTemplate.REGION + ":" + ResolvedTemplate.ACCOUNT
                + ":function:CallbackFunction:live";
        assertThat(template.resource(integration)
                        .at("/Properties/IntegrationUri")
                        .asText())
                .isEqualTo(callbackAlias);
        assertThat(template.resource("BrowserCallbackPermission")
                        .path("Properties")
                        .path("SourceArn")
                        .asText())
                .endsWith(":" + route.at("/Properties/ApiId").asText() + "/*/GET/oauth/callback");
        assertThat(template.resource("BrowserCallbackPermission")
                        .at("/Properties/FunctionName")
                        .asText())
                .isEqualTo(callbackAlias);
        for (String function :
                List.of("StartReauthFunction", "CallbackFunction", "ReloadFunction", "ListAccountsFunction")) {
            assertThat(template.environment(function)).as(function).containsEntry("OAUTH_REDIRECT_URI", url);
        }
        assertThat(template.outputs()).containsEntry("BrowserCallbackUrl", url);
    }

    @Test
    void linkPage_isPublic_onItsOwnApi_onTheWebFunction_whoseAddressTheLinksCarry_inEveryShape() {
        Set<String> pageRoutes = new TreeSet<>();
        for (WebRoute route : WebRoute.values()) {
            if (!route.iamAuthorized()) {
                pageRoutes.add(route.routeKey());
            }
        }
        DeploymentShapes.all().forEach((shape, template) -> {
            List<JsonNode> routes = publicRoutes(template).stream()
                    .filter(r -> !r.at("/Properties/RouteKey").asText().equals(Route.BROWSER_CALLBACK.routeKey()))
                    .toList();
            assertThat(routes)
                    .as(shape)
                    .extracting(r -> r.at("/Properties/RouteKey").asText())
                    .containsExactlyInAnyOrderElementsOf(pageRoutes);
            String webAlias = "arn:aws:lambda:" + ResolvedTemplate.REGION + ":" + ResolvedTemplate.ACCOUNT
                    + ":function:WebFunction:live";
            for (JsonNode route : routes) {
                assertThat(route.at("/Properties/ApiId").asText()).as(shape).isEqualTo("WebApi");
                String integration = route.at("/Properties/Target").asText().substring("integrations/".length());
                assertThat(template.resource(integration)
                                .at("/Properties/IntegrationUri")
                                .asText())
                        .isEqualTo(webAlias);
            }
            assertThat(template.resource("WebPermission")
                            .at("/Properties/FunctionName")
                            .asText())
                    .isEqualTo(webAlias);
            assertThat(template.resource("WebPermission")
                            .at("/Properties/SourceArn")
                            .asText())
                    .endsWith(":WebApi/*/*/r/*");
            // links point at that API: the web function answers them, the refresher puts them in its alerts
            assertThat(template.environment("WebFunction")).containsEntry("WEB_BASE_URL", "WebApi.ApiEndpoint");
            assertThat(template.environment("RefreshFunction")).containsEntry("WEB_BASE_URL", "WebApi.ApiEndpoint");
            assertThat(template.outputs()).containsEntry("WebUrl", "WebApi.ApiEndpoint");
        });
    }

    @Test
    void webFunction_reservesConcurrency_fromAParameter_andZeroReservesNone() {
        assertThat(ResolvedTemplate.project(DeploymentShapes.DEFAULTS)
                        .resource("WebFunction")
                        .at("/Properties/ReservedConcurrentExecutions")
                        .asInt())
                .isBetween(1, 100);
        assertThat(ResolvedTemplate.project(Map.of("WebReservedConcurrency", "0"))
                        .resource("WebFunction")
                        .path("Properties")
                        .has("ReservedConcurrentExecutions"))
                .isFalse();
    }

    @Test
    void everyApiStage_logsJsonAccessLines_withoutAnyQueryStringOrPathVariable() throws IOException {
        ResolvedTemplate template = ResolvedTemplate.project(DeploymentShapes.BROWSER_CALLBACK_ON_THIS_API);
        List<JsonNode> logSettings = new ArrayList<>();
        template.resources().fields().forEachRemaining(r -> {
            switch (r.getValue().path("Type").asText()) {
                case "AWS::Serverless::HttpApi" -> logSettings.add(r.getValue().at("/Properties/AccessLogSettings"));
                case "AWS::ApiGatewayV2::Stage" -> logSettings.add(r.getValue().at("/Properties/AccessLogSettings"));
                default -> {}
            }
        });
        long apis = count(template, "AWS::Serverless::HttpApi") + count(template, "AWS::ApiGatewayV2::Api");

        assertThat(logSettings).hasSize((int) apis).hasSizeGreaterThanOrEqualTo(2);
        for (JsonNode settings : logSettings) {
            String group = settings.path("DestinationArn")
                    .asText()
                    .replaceAll("^arn:aws:logs:[^:]+:[^:]+:log-group:(.*):\\*$", "$1");
            assertThat(template.resource(group).path("Type").asText())
                    .as(settings.toString())
                    .isEqualTo("AWS::Logs::LogGroup");
            assertThat(template.resource(group)
                            .at("/Properties/RetentionInDays")
                            .asInt())
                    .isPositive();
            String format = settings.path("Format").asText();
            JsonNode line = JSON.readTree(format);
            assertThat(line.isObject()).isTrue();
            assertThat(line.path("requestId").asText()).isEqualTo("$context.requestId");
            assertThat(line.path("routeKey").asText()).isEqualTo("$context.routeKey");
            assertThat(line.path("status").asText()).isEqualTo("$context.status");
            assertThat(logVariablesOutside(QUERY_FREE_LOG_VARIABLES, format))
                    .as(format)
                    .isEmpty();
        }
    }

    @Test
    void accessLogCheck_catchesQueryStringAndPathVariables() {
        String leaky =
                "{\"requestId\":\"$context.requestId\",\"code\":\"$request.querystring.code\",\"path\":\"$context.path\"}";

        assertThat(logVariablesOutside(QUERY_FREE_LOG_VARIABLES, leaky))
                .containsExactly("$request.querystring.code", "$context.path");
    }

    @Test
    void publicRoute_isThrottledOnItsStage_whichWaitsForTheRoute() {
        ResolvedTemplate template = ResolvedTemplate.project(DeploymentShapes.BROWSER_CALLBACK_ON_THIS_API);
        List<JsonNode> routes = publicRoutes(template);

        assertThat(routes).isNotEmpty();
        for (JsonNode route : routes) {
            String api = route.at("/Properties/ApiId").asText();
            String routeKey = route.at("/Properties/RouteKey").asText();
            List<String> stages = new ArrayList<>();
            template.resources().fields().forEachRemaining(r -> {
                if (r.getValue().path("Type").asText().equals("AWS::ApiGatewayV2::Stage")
                        && r.getValue().at("/Properties/ApiId").asText().equals(api)) {
                    stages.add(r.getKey());
                }
            });
            assertThat(stages).as(routeKey + " on " + api).hasSize(1);
            JsonNode stage = template.resource(stages.get(0));
            JsonNode throttle = stage.path("Properties").path("RouteSettings").path(routeKey);
            assertThat(throttle.path("ThrottlingRateLimit").asDouble()).isBetween(1.0, 50.0);
            assertThat(throttle.path("ThrottlingBurstLimit").asInt()).isBetween(1, 100);
            // API Gateway refuses route settings for a route that does not exist yet
            String routeId = template.resources().properties().stream()
                    .filter(e -> e.getValue() == route)
                    .findFirst()
                    .orElseThrow()
                    .getKey();
            assertThat(ResolvedTemplate.list(stage.path("DependsOn")))
                    .extracting(JsonNode::asText)
                    .contains(routeId);
        }
    }

    @Test
    void callbackFunction_reservesConcurrency_fromAParameter_andZeroReservesNone() {
        JsonNode reserved = ResolvedTemplate.project(DeploymentShapes.DEFAULTS)
                .resource("CallbackFunction")
                .at("/Properties/ReservedConcurrentExecutions");
        assertThat(reserved.asInt()).isBetween(1, 100);
        assertThat(ResolvedTemplate.project(Map.of("CallbackReservedConcurrency", "25"))
                        .resource("CallbackFunction")
                        .at("/Properties/ReservedConcurrentExecutions")
                        .asText())
                .isEqualTo("25");
        // Lambda reads a reservation of 0 as "never run": the template must leave the property out instead
        assertThat(ResolvedTemplate.project(DeploymentShapes.NO_RESERVED_CONCURRENCY)
                        .resource("CallbackFunction")
                        .path("Properties")
                        .has("ReservedConcurrentExecutions"))
                .isFalse();
        assertThatThrownBy(() -> ResolvedTemplate.project(Map.of("CallbackReservedConcurrency", "-1")))
                .hasMessageContaining("MinValue");
    }

    /** The public browser callback's routes (the template's unauthenticated routes with its route key). */
    private static List<JsonNode> callbackRoutes(ResolvedTemplate template) {
        return publicRoutes(template).stream()
                .filter(r -> r.at("/Properties/RouteKey").asText().equals(Route.BROWSER_CALLBACK.routeKey()))
                .toList();
    }

    /** The template's unauthenticated routes: SAM HttpApi events with Authorizer NONE and ApiGatewayV2 routes with AuthorizationType NONE. */
    private static List<JsonNode> publicRoutes(ResolvedTemplate template) {
        List<JsonNode> routes = new ArrayList<>();
        template.resources().fields().forEachRemaining(r -> {
            JsonNode resource = r.getValue();
            if (resource.path("Type").asText().equals("AWS::ApiGatewayV2::Route")
                    && !resource.at("/Properties/AuthorizationType").asText().equals("AWS_IAM")) {
                routes.add(resource);
            }
            resource.at("/Properties/Events").forEach(event -> {
                if (event.path("Type").asText().equals("HttpApi")
                        && event.at("/Properties/Auth/Authorizer").asText().equals("NONE")) {
                    routes.add(event);
                }
            });
        });
        return routes;
    }

    /** Variables of an access-log format that are not in {@code allowed}, in order. */
    private static List<String> logVariablesOutside(Set<String> allowed, String format) {
        List<String> outside = new ArrayList<>();
        Matcher m = LOG_VARIABLE.matcher(format);
        while (m.find()) {
            if (!allowed.contains(m.group())) {
                outside.add(m.group());
            }
        }
        return outside;
    }

    private static long count(ResolvedTemplate template, String type) {
        return template.resources().properties().stream()
                .filter(e -> e.getValue().path("Type").asText().equals(type))
                .count();
    }
}
